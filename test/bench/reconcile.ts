import { readFileSync } from 'node:fs';
import { startLocalTopology } from '../../infra/local/topology.ts';
import { MemoryLogger } from '../../shared/adapters/logging/json-logger.ts';
import { seedPendingDay } from './seed-day.ts';

/**
 * `npm run bench:reconcile [orders]`: a day of pending orders (10,000 by default; half paid at the gateway with the
 * webhook lost, half never paid) reconciled on the emulator topology. Prints orders/s of the run (its own startedAt to
 * finishedAt), each service process's resident memory before the run and its peak (Linux VmHWM), and the
 * reconciler's resident memory as the run goes through the day. Seeding is fast and faithful (./seed-day.ts). Measured,
 * never asserted.
 */
const N = Number(process.argv[2] ?? 10_000);
/** Orders seeded at once: more only makes the sandbox's answers late on two busy cores. */
const CONCURRENCY = 16;
const logs = new MemoryLogger();
const topology = await startLocalTopology({
  port: 0,
  logger: logs,
  // each full collection's line tells the live heap after it: what the run really holds, apart from garbage
  nodeArgs: { reconciler: ['--trace-gc'] },
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

try {
  const seedStart = performance.now();
  const day = await seedPendingDay(topology, N, { concurrency: CONCURRENCY, customerId: 'bench' });
  const seeded = (performance.now() - seedStart) / 1000;
  const pids = new Map([...topology.processes].map(([name, p]) => [name, p.pid]));
  const pid = pids.get('reconciler');
  const before = new Map([...pids].map(([name, p]) => [name, vm(p, 'VmRSS')]));
  const started = await fetch(`${base}/v1/ops/reconciliations`, {
    method: 'POST',
    headers: { 'x-api-key': key, 'content-type': 'application/json' },
    body: JSON.stringify({ date: day }),
  });
  const { id } = (await started.json()) as { id: string };
  let run: any;
  const trace: string[] = [];
  for (let tick = 0; ; tick++) {
    await new Promise((r) => setTimeout(r, 500));
    run = await (await fetch(`${base}/v1/ops/reconciliations/${id}?limit=1`, { headers: { 'x-api-key': key } })).json();
    if (tick % 20 === 0) trace.push(`${run.progress?.phase}:${run.progress?.orders}=${vm(pid, 'VmRSS').toFixed(0)}MB`);
    if (run.status === 'completed' || run.status === 'failed') break;
  }
  const seconds = (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000;
  console.log(`seeded ${N} orders (half paid, webhooks lost) in ${seeded.toFixed(1)} s`);
  console.log(
    `reconcile ${run.counts.orders} orders of ${day} (emulator topology): ${run.status}, ${seconds.toFixed(1)} s, ` +
      `${(run.counts.orders / seconds).toFixed(0)} orders/s, settled ${run.counts.settled.succeeded}, ` +
      `still open ${run.counts.stillOpen}`,
  );
  console.log(`reconciler RSS every 10 s (phase:orders=RSS): ${trace.join(' ')}`);
  console.log('RSS per process, MB (before the run → peak):');
  for (const [name, p] of pids)
    console.log(`  ${name}: ${before.get(name)!.toFixed(0)} → ${vm(p, 'VmHWM').toFixed(0)}`);
  // `Mark-Compact 194.0 (228.1) -> 50.4 (221.6) MB`: heap before → live after a full collection
  const live = logs.lines
    .filter((l) => l.service === 'reconciler')
    .map((l) => /Mark-Compact.* -> ([\d.]+) \(/.exec(l.message)?.[1])
    .filter((mb): mb is string => mb !== undefined)
    .map(Number);
  console.log(
    `reconciler live heap after each full GC, MB: ${live.map((mb) => mb.toFixed(0)).join(' ')} ` +
      `(max ${Math.max(...live).toFixed(0)})`,
  );
  const problems = new Map<string, number>();
  for (const l of logs.lines) {
    if (l.service !== 'reconciler' || (l.severity !== 'WARNING' && l.severity !== 'ERROR')) continue;
    const what = `${l.severity} ${l.message}${l.error ? `: ${String(l.error)}` : ''}`;
    problems.set(what, (problems.get(what) ?? 0) + 1);
  }
  console.log(`run attempts: ${run.attempts}${run.error ? `, last error: ${run.error}` : ''}`);
  for (const [what, n] of problems) console.log(`  reconciler log ×${n}: ${what.slice(0, 300)}`);
  console.log(`  bench + sandbox (this process): peak ${vm(process.pid, 'VmHWM').toFixed(0)}`);
} finally {
  await topology.stop();
}
