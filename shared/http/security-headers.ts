import type { ServerType } from '@hono/node-server';

/** Hono's `secureHeaders()` defaults: nosniff, no framing, HSTS, no referrer, isolation; a JSON API needs no leniency. */
export const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ['cross-origin-opener-policy', 'same-origin'],
  ['cross-origin-resource-policy', 'same-origin'],
  ['origin-agent-cluster', '?1'],
  ['referrer-policy', 'no-referrer'],
  ['strict-transport-security', 'max-age=15552000; includeSubDomains'],
  ['x-content-type-options', 'nosniff'],
  ['x-dns-prefetch-control', 'off'],
  ['x-download-options', 'noopen'],
  ['x-frame-options', 'SAMEORIGIN'],
  ['x-permitted-cross-domain-policies', 'none'],
  ['x-xss-protection', '0'],
];

/**
 * Every answer `server` writes carries {@link SECURITY_HEADERS} (an answer that sets one itself keeps its own value).
 * Written by the HTTP server, once per answer, rather than by middleware in each app: as middleware they were set on a
 * WHATWG `Headers` twice per answer (front door and service), a twentieth of an order's CPU, and answers that never
 * leave the process (pushes, tasks) need none.
 */
export function sendSecurityHeaders<S extends ServerType>(server: S): S {
  (server as unknown as NodeJS.EventEmitter).prependListener(
    'request',
    (_request: unknown, response: { setHeader(name: string, value: string): unknown }) => {
      for (const [name, value] of SECURITY_HEADERS) response.setHeader(name, value);
    },
  );
  return server;
}
