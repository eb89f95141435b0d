import { readFileSync } from 'node:fs';
import { startLocalTopology } from '../../infra/local/topology.ts';
import { MemoryLogger } from '../../shared/adapters/logging/json-logger.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A process's resident set and its peak, from /proc (Linux), in MiB. */
function memory(pid: number): { rss: number; hwm: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) => Number(status.match(new RegExp(`${field}:\\s+(\\d+) kB`))?.[1] ?? 0);
    return { rss: kib('VmRSS') / 1024, hwm: kib('VmHWM') / 1024 };
  } catch {
    return null;
  }
}

export interface TopologyResult {
  readonly seconds: number;
  readonly settled: number;
  readonly settledPerSecond: number;
  readonly errors: number;
  /** Per service: peak RSS (VmHWM), and RSS at the end of the first and of the last quarter of the run. */
  readonly memory: Record<string, { peakMiB: number; earlyMiB: number; lateMiB: number; flat: boolean }>;
}

/**
 * The end-to-end pipeline on the emulator topology (each service its own process, Firestore and Pub/Sub emulators,
 * the Cloud Tasks emulator): `workers` customers create and pay orders for `seconds`, each waiting for its order to
 * read `succeeded`, first for `warmupSeconds` (neither counted nor sampled: V8 compiles and sizes its heaps), then for
 * `seconds`. Memory is sampled every second from each service's /proc status; "flat" means the last quarter's RSS is
 * within 15 % (or 16 MiB) of the first quarter's.
 */
export async function topologyPipeline(seconds: number, workers = 8, warmupSeconds = 15): Promise<TopologyResult> {
  const topology = await startLocalTopology({
    port: 0,
    // the abuse limits are for real customers: eight workers paying as fast as they can would be throttled
    settings: {
      LOG_LEVEL: 'ERROR',
      RATE_LIMIT_CUSTOMER_PER_MINUTE: '100000000',
      RATE_LIMIT_IP_PER_MINUTE: '100000000',
      MAX_OPEN_ORDERS_PER_CUSTOMER: '1000',
    },
    logger: new MemoryLogger(),
  });
  try {
    const base = topology.baseUrl;
    const json = async (path: string, init?: RequestInit) => {
      const res = await fetch(new URL(path, base), init);
      if (!res.ok) throw new Error(`${path} → ${res.status}`);
      return (await res.json()) as Record<string, unknown>;
    };
    const token = (await json('/dev/token?customerId=bench-topology')).token as string;
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    let settled = 0;
    let errors = 0;
    let sequence = 0;
    const samples = new Map<string, number[]>();
    const sample = () => {
      for (const [name, p] of topology.processes) {
        const m = p.pid ? memory(p.pid) : null;
        if (m) samples.set(name, [...(samples.get(name) ?? []), m.rss]);
      }
    };
    const payOne = async () => {
      const i = sequence++;
      const created = await json('/v1/orders', {
        method: 'POST',
        headers: { ...auth, 'idempotency-key': `topology-${i}-${Date.now()}` },
        body: JSON.stringify({ amount: 10_000 + i, currency: 'INR' }),
      });
      const gatewayOrderId = (created.checkout as { gatewayOrderId: string }).gatewayOrderId;
      await json(`/sandbox/control/orders/${gatewayOrderId}/pay`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ outcome: 'success', webhook: 'deliver' }),
      });
      for (let tries = 0; tries < 300; tries++) {
        const order = await json(`/v1/orders/${created.id as string}`, { headers: auth });
        if (order.status === 'succeeded') return;
        await sleep(100);
      }
      throw new Error('order not settled in 30 s');
    };
    const drive = (until: number, counted: boolean) =>
      Promise.all(
        Array.from({ length: workers }, async () => {
          while (performance.now() < until) {
            try {
              await payOne();
              if (counted) settled += 1;
            } catch {
              if (counted) errors += 1;
            }
          }
        }),
      );
    await drive(performance.now() + warmupSeconds * 1000, false);
    const started = performance.now();
    sample();
    const sampler = setInterval(sample, 1000);
    await drive(started + seconds * 1000, true);
    clearInterval(sampler);
    const elapsed = (performance.now() - started) / 1000;
    const mem: TopologyResult['memory'] = {};
    for (const [name, p] of topology.processes) {
      const rss = samples.get(name) ?? [];
      const quarter = Math.max(1, Math.floor(rss.length / 4));
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
      const early = mean(rss.slice(0, quarter));
      const late = mean(rss.slice(-quarter));
      const peak = p.pid ? (memory(p.pid)?.hwm ?? 0) : 0;
      mem[name] = { peakMiB: peak, earlyMiB: early, lateMiB: late, flat: late - early <= Math.max(16, early * 0.15) };
    }
    return { seconds: elapsed, settled, settledPerSecond: settled / elapsed, errors, memory: mem };
  } finally {
    await topology.stop();
  }
}
