import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startLocalTopology } from '../../infra/local/topology.ts';
import { SERVICES } from '../../services/catalogue/catalogue.ts';
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

/**
 * Each process's live heap in MiB: a heap snapshot (Node writes it on SIGUSR2, after a full GC) summed over its
 * objects' own sizes. Unlike RSS, it does not count what V8 has reserved and not yet given back, so it tells a leak
 * from a heap still sizing itself.
 */
async function liveHeaps(processes: ReadonlyMap<string, { pid?: number | undefined }>, dir: string) {
  const before = new Set(readdirSync(dir));
  const wanted = [...processes].filter(([, p]) => p.pid !== undefined);
  for (const [, p] of wanted) process.kill(p.pid!, 'SIGUSR2');
  const heaps: Record<string, number> = {};
  for (const [name, p] of wanted) {
    // the file appears at once and grows while it is written; it is done when its size stops changing
    let file: string | undefined;
    let size = -1;
    for (let i = 0; i < 120; i++) {
      await sleep(500);
      file ??= readdirSync(dir).find((f) => !before.has(f) && f.includes(`.${p.pid}.`));
      if (!file) continue;
      const now = statSync(join(dir, file)).size;
      if (now > 0 && now === size) break;
      size = now;
    }
    if (!file) continue;
    const snapshot = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      snapshot: { meta: { node_fields: string[] } };
      nodes: number[];
    };
    const fields = snapshot.snapshot.meta.node_fields;
    let bytes = 0;
    for (let i = fields.indexOf('self_size'); i < snapshot.nodes.length; i += fields.length)
      bytes += snapshot.nodes[i]!;
    heaps[name] = bytes / 1024 / 1024;
    rmSync(join(dir, file), { force: true });
  }
  return heaps;
}

export interface TopologyResult {
  readonly seconds: number;
  readonly settled: number;
  readonly settledPerSecond: number;
  readonly errors: number;
  /**
   * Per service: peak RSS (VmHWM); RSS over the first and the last quarter of the run; the live heap at its start,
   * halfway and at its end; flat when the second half added no more than 10 % (or 4 MiB).
   */
  readonly memory: Record<
    string,
    {
      peakMiB: number;
      earlyMiB: number;
      lateMiB: number;
      heapStartMiB: number;
      heapMidMiB: number;
      heapEndMiB: number;
      flat: boolean;
    }
  >;
}

/**
 * The end-to-end pipeline on the emulator topology (each service its own process, Firestore and Pub/Sub emulators,
 * the Cloud Tasks emulator): `workers` customers create and pay orders for `seconds`, each waiting for its order to
 * read `succeeded`, first for `warmupSeconds` (neither counted nor sampled: V8 compiles and sizes its heaps), then for
 * `seconds`. RSS is sampled every second from each service's /proc status, and the live heap is read from a heap
 * snapshot of each service at the start, halfway and at the end. "Flat" means the second half added no more than 10 %
 * (or 4 MiB): the first half still fills bounded caches (the data-key cache keeps 1,000 unwrapped keys, one per order,
 * in every service that reads orders), a leak keeps growing.
 */
export async function topologyPipeline(seconds: number, workers = 8, warmupSeconds = 15): Promise<TopologyResult> {
  const snapshots = mkdtempSync(join(tmpdir(), 'bench-heaps-'));
  const heapArgs = ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshots}`];
  const topology = await startLocalTopology({
    port: 0,
    nodeArgs: Object.fromEntries(SERVICES.map((s) => [s.name, heapArgs])),
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
    const heapStart = await liveHeaps(topology.processes, snapshots);
    // Two halves with the load stopped between them for the halfway snapshot: a snapshot pauses its process for
    // seconds, which under load would turn into timeouts. The pause counts in neither the time nor the RSS samples.
    let elapsedMs = 0;
    const half = async () => {
      const from = performance.now();
      sample();
      const sampler = setInterval(sample, 1000);
      await drive(from + (seconds * 1000) / 2, true);
      clearInterval(sampler);
      elapsedMs += performance.now() - from;
    };
    await half();
    const heapMid = await liveHeaps(topology.processes, snapshots);
    await half();
    const elapsed = elapsedMs / 1000;
    const heapEnd = await liveHeaps(topology.processes, snapshots);
    const mem: TopologyResult['memory'] = {};
    for (const [name, p] of topology.processes) {
      const rss = samples.get(name) ?? [];
      const quarter = Math.max(1, Math.floor(rss.length / 4));
      const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
      const early = mean(rss.slice(0, quarter));
      const late = mean(rss.slice(-quarter));
      const peak = p.pid ? (memory(p.pid)?.hwm ?? 0) : 0;
      const heapStartMiB = heapStart[name] ?? 0;
      const heapMidMiB = heapMid[name] ?? 0;
      const heapEndMiB = heapEnd[name] ?? 0;
      mem[name] = {
        peakMiB: peak,
        earlyMiB: early,
        lateMiB: late,
        heapStartMiB,
        heapMidMiB,
        heapEndMiB,
        flat: heapMidMiB > 0 && heapEndMiB - heapMidMiB <= Math.max(4, heapMidMiB * 0.1),
      };
    }
    return { seconds: elapsed, settled, settledPerSecond: settled / elapsed, errors, memory: mem };
  } finally {
    await topology.stop();
    rmSync(snapshots, { recursive: true, force: true });
  }
}
