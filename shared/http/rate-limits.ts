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
  return rateLimiter<AppEnv>({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    skip: (c) => key(c) === null,
    ...(options.failuresOnly
      ? { skipSuccessfulRequests: true, requestWasSuccessful: (c) => c.res.status !== 401 }
      : {}),
    keyGenerator: (c) => key(c) ?? '',
    handler: (c) => {
      c.get('logger')?.log('WARNING', 'rate limited', { limit: what, perMinute });
      const response = problem(
        { type: 'too-many-requests', message: `more than ${perMinute} requests a minute ${what}; retry after a while` },
        new URL(c.req.url).pathname,
      );
      const reset = (c.var as { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : 60;
      response.headers.set('retry-after', String(seconds));
      return response as unknown as undefined;
    },
  });
}
