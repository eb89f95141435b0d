import { readFileSync } from 'node:fs';
import { startLocalTopology } from '../../infra/local/topology.ts';
import { MemoryLogger } from '../../shared/adapters/logging/json-logger.ts';

/**
 * `npm run bench:reconcile [orders]`: a day of pending orders (10,000 by default; half paid at the gateway with the
 * webhook lost, half never paid) reconciled on the emulator topology. Prints orders/s of the run (its own startedAt to
 * finishedAt) and the reconciler process's peak resident memory (Linux VmHWM). Measured, never asserted.
 */
const N = Number(process.argv[2] ?? 10_000);
const CONCURRENCY = 64;
const topology = await startLocalTopology({
  port: 0,
  logger: new MemoryLogger(),
  settings: {
    RECONCILIATION_CONCURRENCY: '32',
    RECONCILIATION_GATEWAY_RPS: '2000',
    LOG_LEVEL: 'WARNING',
    // one bench customer seeds the whole day: the abuse limits meant for real customers would stop it
    MAX_OPEN_ORDERS_PER_CUSTOMER: String(N + 1),
    RATE_LIMIT_CUSTOMER_PER_MINUTE: '1000000',
    RATE_LIMIT_IP_PER_MINUTE: '1000000',
    RATE_LIMIT_OPERATOR_PER_MINUTE: '1000000',
    RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '1000000',
  },
});
const base = topology.baseUrl;
const key = topology.operatorKey!;

function vm(pid: number | undefined, field: 'VmHWM' | 'VmRSS'): number {
  if (!pid) return Number.NaN;
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith(field));
  return Number(line?.match(/(\d+)/)?.[1] ?? Number.NaN) / 1024;
}

async function pool<T>(items: number, work: (i: number) => Promise<T>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < items) await work(next++);
    }),
  );
}

try {
  const { token } = (await (await fetch(`${base}/dev/token?customerId=bench`)).json()) as { token: string };
  const seedStart = performance.now();
  let day = '';
  await pool(N, async (i) => {
    const res = await fetch(`${base}/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'idempotency-key': `b-${i}` },
      body: JSON.stringify({ amount: 49_900, currency: 'INR' }),
    });
    if (res.status !== 201) throw new Error(`create → ${res.status}: ${await res.text()}`);
    const order = (await res.json()) as { createdAt: string; checkout: { gatewayOrderId: string } };
    day = new Date(Date.parse(order.createdAt) + 330 * 60_000).toISOString().slice(0, 10);
    if (i % 2 === 0) {
      const paid = await fetch(`${base}/sandbox/control/orders/${order.checkout.gatewayOrderId}/pay`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ outcome: 'success', webhook: 'drop' }),
      });
      if (!paid.ok) throw new Error(`pay → ${paid.status}`);
    }
  });
  const seeded = (performance.now() - seedStart) / 1000;
  const pid = topology.processes.get('reconciler')?.pid;
  const rssBefore = vm(pid, 'VmRSS');
  const started = await fetch(`${base}/v1/ops/reconciliations`, {
    method: 'POST',
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    body: JSON.stringify({ date: day }),
  });
  const { id } = (await started.json()) as { id: string };
  let run: any;
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    run = await (await fetch(`${base}/v1/ops/reconciliations/${id}?limit=1`, { headers: { 'x-api-key': key } })).json();
    if (run.status === 'completed' || run.status === 'failed') break;
  }
  const seconds = (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000;
  console.log(`seeded ${N} orders (half paid, webhooks lost) in ${seeded.toFixed(1)} s`);
  console.log(
    `reconcile ${run.counts.orders} orders of ${day} (emulator topology): ${run.status}, ${seconds.toFixed(1)} s, ` +
      `${(run.counts.orders / seconds).toFixed(0)} orders/s, settled ${run.counts.settled.succeeded}, ` +
      `still open ${run.counts.stillOpen}; reconciler RSS ${rssBefore.toFixed(0)} MB before, peak ${vm(pid, 'VmHWM').toFixed(0)} MB`,
  );
} finally {
  await topology.stop();
}
