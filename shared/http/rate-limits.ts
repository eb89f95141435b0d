import type { Context, MiddlewareHandler } from 'hono';
import { rateLimiter } from 'hono-rate-limiter';
import type { AppEnv } from './env.ts';
import { problem } from './problem.ts';

/** Requests allowed per minute, per client IP, per customer and per operator key (shared/config.ts RATE_LIMIT_*). */
export interface AbuseLimits {
  readonly ipPerMinute: number;
  readonly customerPerMinute: number;
  readonly operatorPerMinute: number;
  /** Requests refused as unauthenticated (401) per client IP: past it, every request from it waits (key guessing). */
  readonly authFailuresPerMinute: number;
  /** Orders a customer may hold open (created or processing) at once. */
  readonly maxOpenOrdersPerCustomer: number;
}

/** shared/config.ts's defaults, for apps built without configuration (tests). */
export const DEFAULT_LIMITS: AbuseLimits = {
  ipPerMinute: 600,
  customerPerMinute: 120,
  operatorPerMinute: 120,
  authFailuresPerMinute: 30,
  maxOpenOrdersPerCustomer: 20,
};

/**
 * The client's address as Google's front end reports it: the last `X-Forwarded-For` entry is the one the front end
 * appended (earlier ones are whatever the client sent, so never trusted). Locally there is none: one shared bucket.
 */
export function clientIp(c: Context): string {
  const forwarded = c.req.header('x-forwarded-for');
  const last = forwarded?.split(',').at(-1)?.trim();
  return last && /^[0-9A-Fa-f:.]{2,45}$/.test(last) ? last : 'unknown';
}

/**
 * A fixed-window limit of `perMinute` requests per key (hono-rate-limiter, in-memory store: each instance counts its
 * own share; Cloud Run's max instances bounds the total). Over it: 429, `Retry-After` and a problem body. A request
 * `key` returns null for is not counted; with `failuresOnly`, only requests refused as unauthenticated (401) count,
 * which throttles key and token guessing long before the general limit.
 */
export function rateLimit(
  what: string,
  perMinute: number,
  key: (c: Context<AppEnv>) => string | null,
  options: { readonly failuresOnly?: boolean } = {},
): MiddlewareHandler<AppEnv> {
  if (options.failuresOnly) return failureLimit(what, perMinute, key);
  return rateLimiter<AppEnv>({
    windowMs: 60_000,
    limit: perMinute,
    // the promise is `Retry-After` on a 429; RateLimit headers (an IETF draft) on every answer were 6 % of an order's
    // CPU, for headers no client of ours reads
    standardHeaders: false,
    skip: (c) => key(c) === null,
    keyGenerator: (c) => key(c) ?? '',
    handler: (c) => {
      const reset = (c.var as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : 60;
      return tooMany(c, what, perMinute, seconds) as unknown as undefined;
    },
  });
}

function tooMany(c: Context<AppEnv>, what: string, perMinute: number, retryAfterSeconds: number): Response {
  c.get('logger')?.log('WARNING', 'rate limited', { limit: what, perMinute });
  const response = problem(
    { type: 'too-many-requests', message: `more than ${perMinute} requests a minute ${what}; retry after a while` },
    new URL(c.req.url).pathname,
  );
  response.headers.set('retry-after', String(retryAfterSeconds));
  return response;
}

/**
 * Counts only requests refused as unauthenticated (401), per key and fixed minute, and refuses every request of a key
 * past the limit until its minute ends. Counted after the answer, never before: a client with many requests in flight
 * at once (a backend behind one address) is not mistaken for a guesser, as a count-then-undo limiter would.
 */
function failureLimit(
  what: string,
  perMinute: number,
  key: (c: Context<AppEnv>) => string | null,
): MiddlewareHandler<AppEnv> {
  const windows = new Map<string, { count: number; resetAt: number }>();
  return async (c, next) => {
    const k = key(c);
    if (k === null) return next();
    const now = Date.now();
    const current = windows.get(k);
    if (current && current.resetAt <= now) windows.delete(k);
    const window = windows.get(k);
    if (window && window.count >= perMinute) {
      return tooMany(c, what, perMinute, Math.max(1, Math.ceil((window.resetAt - now) / 1000)));
    }
    await next();
    if (c.res.status === 401) {
      const w = windows.get(k) ?? { count: 0, resetAt: now + 60_000 };
      w.count += 1;
      windows.set(k, w);
      // forget finished windows now and then, so addresses seen once do not pile up
      if (windows.size > 10_000) for (const [key2, v] of windows) if (v.resetAt <= now) windows.delete(key2);
    }
  };
}
