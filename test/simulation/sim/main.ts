import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { INVARIANTS } from './invariants.ts';
import { runSeed, type SeedResult } from './simulate.ts';

/**
 * `npm run sim -- --seeds N [--from S] [--steps K] [--workers W]`: N seeds (S, S+1, …) across W worker threads, one
 * summary at the end, exit 1 on any violation. `--seed S` runs one seed in this thread and prints its whole trace
 * (with `--verbose`, the stack's logs too): the same seed replays the same run.
 */
const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '100' },
    from: { type: 'string', default: '1' },
    seed: { type: 'string' },
    steps: { type: 'string', default: '50' },
    workers: { type: 'string', default: String(availableParallelism()) },
    verbose: { type: 'boolean', default: false },
  },
});
const steps = Number(values.steps);

function describe(r: SeedResult, traceLines: number): string {
  const v = r.violation!;
  const trace = v.trace.slice(-traceLines);
  return [
    `✘ seed ${r.seed}, step ${v.step}: ${v.invariant}`,
    `  ${v.detail}`,
    `  trace (${trace.length < v.trace.length ? `last ${trace.length} of ${v.trace.length}` : `${v.trace.length}`} steps):`,
    ...trace.map((line) => `    ${line}`),
    `  replay: npm run sim -- --seed ${r.seed} --steps ${steps}`,
  ].join('\n');
}

if (values.seed !== undefined) {
  const r = await runSeed(Number(values.seed), { steps, verbose: values.verbose });
  if (r.violation) {
    console.log(describe(r, Number.POSITIVE_INFINITY));
    process.exit(1);
  }
  console.log(
    `✔ seed ${r.seed}: ${r.steps} steps, ${r.orders} orders, ${r.faults} faults, ${r.checks} invariant checks, no violation`,
  );
  process.exit(0);
}

const seeds = Number(values.seeds);
const from = Number(values.from);
const workers = Math.max(1, Math.min(Number(values.workers), seeds));
const started = performance.now();
const totals = { seeds: 0, steps: 0, checks: 0, faults: 0, orders: 0 };
const failed: SeedResult[] = [];
let next = from;
const last = from + seeds - 1;

await Promise.all(
  Array.from({ length: workers }, () => {
    // a worker thread does not inherit the TypeScript loader's hooks: it registers them before importing the worker
    const workerUrl = new URL('./worker.ts', import.meta.url).href;
    const worker = new Worker(
      `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(workerUrl)}); });`,
      { eval: true, workerData: { steps } },
    );
    return new Promise<void>((resolve, reject) => {
      const give = () => {
        if (next > last) {
          void worker.terminate().then(() => resolve());
          return;
        }
        worker.postMessage(next++);
      };
      worker.on('message', (r: SeedResult) => {
        totals.seeds += 1;
        totals.steps += r.steps;
        totals.checks += r.checks;
        totals.faults += r.faults;
        totals.orders += r.orders;
        if (r.violation) {
          failed.push(r);
          console.log(describe(r, 40));
        }
        if (totals.seeds % 1000 === 0) {
          const s = (performance.now() - started) / 1000;
          console.log(`… ${totals.seeds} seeds in ${s.toFixed(0)} s, ${failed.length} failing`);
        }
        give();
      });
      worker.on('error', reject);
      give();
    });
  }),
);

const seconds = (performance.now() - started) / 1000;
const rows: [string, string][] = [
  ['seeds', `${totals.seeds} (${from}–${last}), ${workers} worker threads`],
  ['steps', `${totals.steps} (${steps} of traffic and faults per seed, then the wind-down)`],
  [
    'time',
    `${seconds.toFixed(1)} s, ${(totals.steps / seconds).toFixed(0)} steps/s, ${(totals.seeds / seconds).toFixed(1)} seeds/s`,
  ],
  ['orders', String(totals.orders)],
  ['faults injected', String(totals.faults)],
  ['invariant checks', `${totals.checks} (${Object.keys(INVARIANTS).length} invariants)`],
  ['violations', failed.length === 0 ? '0' : `${failed.length}: seeds ${failed.map((r) => r.seed).join(', ')}`],
];
for (const [k, v] of rows) console.log(`${k.padEnd(18)} ${v}`);
process.exit(failed.length === 0 ? 0 : 1);
