import { createEmbeddedStack } from '../../services/embedded/stack.ts';
import { MemoryLogger } from '../../shared/adapters/logging/json-logger.ts';
import { ManualClock } from '../../shared/adapters/memory/clocks.ts';

/**
 * `npm run bench`: the payment flow on the embedded stack (in process, no network), measured, never asserted.
 * Rows: orders created per second with p50/p95/p99 latency, full flows (create → pay → webhook → event → notification)
 * per second, and heap growth per order held in memory.
 */
const N = Number(process.argv[2] ?? 2000);
const base = 'http://bench.test';
const stack = await createEmbeddedStack({ baseUrl: base, clock: new ManualClock(), logger: new MemoryLogger() });
const token = (
  (await (await stack.fetch(new Request(`${base}/dev/token?customerId=bench`))).json()) as { token: string }
).token;
const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

global.gc?.();
const heapBefore = process.memoryUsage().heapUsed;
const latencies: number[] = [];
const gatewayOrders: string[] = [];
let started = performance.now();
for (let i = 0; i < N; i++) {
  const t0 = performance.now();
  const res = await stack.fetch(
    new Request(`${base}/v1/orders`, {
      method: 'POST',
      headers: { ...headers, 'idempotency-key': `bench-${i}` },
      body: JSON.stringify({ amount: 10_000 + i, currency: 'INR' }),
    }),
  );
  const body = (await res.json()) as { checkout: { gatewayOrderId: string } };
  latencies.push(performance.now() - t0);
  gatewayOrders.push(body.checkout.gatewayOrderId);
}
const createSeconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);

started = performance.now();
for (const id of gatewayOrders) {
  await stack.fetch(
    new Request(`${base}/sandbox/control/orders/${id}/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'success', webhook: 'deliver' }),
    }),
  );
}
await stack.drain();
const settleSeconds = (performance.now() - started) / 1000;
global.gc?.();
const heapAfter = process.memoryUsage().heapUsed;

const rows = [
  [
    'create order (POST /v1/orders)',
    `${(N / createSeconds).toFixed(0)} /s`,
    `p50 ${percentile(latencies, 50).toFixed(2)} ms`,
    `p95 ${percentile(latencies, 95).toFixed(2)} ms`,
    `p99 ${percentile(latencies, 99).toFixed(2)} ms`,
  ],
  ['pay → webhook → succeeded → notified', `${(N / settleSeconds).toFixed(0)} /s`, '', '', ''],
  [
    'heap per order held (orders, sandbox, notifications)',
    `${((heapAfter - heapBefore) / N / 1024).toFixed(1)} KiB`,
    '',
    '',
    '',
  ],
];
console.log(`bench: ${N} orders on the embedded stack (node ${process.version})`);
for (const row of rows) console.log(`  ${(row[0] ?? '').padEnd(52)} ${row.slice(1).filter(Boolean).join('  ')}`);
await stack.stop();
