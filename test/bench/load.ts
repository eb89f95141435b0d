import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The load generator, run as its own process so its CPU is not the server's: autocannon against one URL, printing
 * one JSON line of results. argv[2]: { url, connections, seconds, headers, body?, idReplacement?, pool? } where
 * `pool` names a JSON file of requests ({ body, headers }[]: signed webhooks, or orders of many customers) sent in
 * turn; with `idReplacement`, a header valued `[<id>]` gets a fresh UUID per request.
 */
interface LoadSpec {
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly idReplacement?: boolean;
  readonly pool?: string;
}
interface PooledRequest {
  readonly body: string;
  readonly headers: Record<string, string>;
}
type Autocannon = (opts: Record<string, unknown>) => Promise<{
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}>;

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
// autocannon ships no types and is CommonJS: required, and typed here by what the bench reads
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;
const pool = spec.pool ? (JSON.parse(readFileSync(spec.pool, 'utf8')) as PooledRequest[]) : null;
let next = 0;
const result = await autocannon({
  url: spec.url,
  method: 'POST',
  connections: spec.connections,
  duration: spec.seconds,
  headers: spec.headers,
  ...(spec.body !== undefined ? { body: spec.body } : {}),
  ...(spec.idReplacement && !pool ? { idReplacement: true } : {}),
  ...(pool
    ? {
        requests: [
          {
            setupRequest: (req: Record<string, unknown>) => {
              const r = pool[next++ % pool.length]!;
              const headers = { ...spec.headers, ...r.headers };
              // a fresh id where the spec asks for one (autocannon's own `[<id>]` applies to its single request only)
              if (spec.idReplacement) {
                for (const [k, v] of Object.entries(headers)) if (v === '[<id>]') headers[k] = randomUUID();
              }
              return { ...req, body: r.body, headers };
            },
          },
        ],
      }
    : {}),
});
console.log(
  JSON.stringify({
    rps: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors + result.timeouts,
  }),
);
