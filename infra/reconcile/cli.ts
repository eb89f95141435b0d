/**
 * `npm run reconcile -- --date YYYY-MM-DD` (or `--from … --to …`): starts reconciliation runs through the operator
 * API of a running product (`--url`, default http://localhost:8080; the finance key from OPERATOR_KEY), shows a
 * progress bar while they go and a summary table at the end. `--now` runs the nightly Cloud Scheduler job itself
 * (RunJob: on the emulator at CLOUD_TASKS_EMULATOR_HOST, or on Google with application default credentials; the job
 * is `projects/<--project>/locations/<--location>/jobs/nightly-reconciliation`) and follows the run it starts.
 * Exit status: 0 when nothing needs a person, 2 when some difference does, 1 when a run failed or the call did.
 * A command-line tool, not a service: it reads its own environment.
 */
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import { createSchedulerClient } from '../../shared/adapters/cloud-scheduler/scheduler-jobs.ts';

const { values } = parseArgs({
  options: {
    date: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    url: { type: 'string', default: 'http://localhost:8080' },
    now: { type: 'boolean', default: false },
    project: { type: 'string', default: process.env.GOOGLE_CLOUD_PROJECT ?? 'local-payments' },
    location: { type: 'string', default: process.env.TASKS_LOCATION ?? 'asia-south1' },
    'time-zone': { type: 'string', default: 'Asia/Kolkata' },
  },
});

/** What the CLI reads of a run's report (GET /v1/ops/reconciliations/:id). */
interface Report {
  readonly id: string;
  readonly day: string;
  readonly status: string;
  readonly progress: { readonly phase: string; readonly orders: number };
  readonly counts: {
    readonly orders: number;
    readonly settled: { readonly succeeded: number; readonly failed: number; readonly expired: number };
    readonly stillOpen: number;
    readonly differences: Record<string, number>;
    readonly results: Record<'done' | 'unchanged' | 'refused' | 'needs-person', number>;
  };
  readonly differences: readonly {
    readonly kind: string;
    readonly result: string;
    readonly orderId: string | null;
    readonly paymentId: string | null;
    readonly detail: string;
  }[];
}

const key = process.env.OPERATOR_KEY;
const base = values.url.replace(/\/$/, '');

function fail(message: string): never {
  process.stderr.write(`reconcile: ${message}\n`);
  process.exit(1);
}

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'x-api-key': key ?? '', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

/** The day before today in the business time zone: what the nightly job reconciles. */
function yesterday(timeZone: string): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date());
  const d = new Date(`${today}T00:00:00.000Z`);
  d.setUTCDate(d.getUTCDate() - 1);
  return d.toISOString().slice(0, 10);
}

async function start(): Promise<{ id: string; day: string }[]> {
  if (values.now) {
    const emulatorHost = process.env.CLOUD_TASKS_EMULATOR_HOST;
    const scheduler = createSchedulerClient(emulatorHost ? { emulatorHost } : {});
    const name = `projects/${values.project}/locations/${values.location}/jobs/nightly-reconciliation`;
    await scheduler.runJob({ name });
    await scheduler.close();
    const day = yesterday(values['time-zone']);
    process.stdout.write(`RunJob ${name}\n`);
    return [{ id: `rec_${day.replaceAll('-', '')}_nightly`, day }];
  }
  const body = values.date
    ? { date: values.date }
    : values.from && values.to
      ? { from: values.from, to: values.to }
      : fail('say --date YYYY-MM-DD, or --from and --to, or --now');
  const started = await api<{ runs: { id: string; day: string }[]; detail?: string }>(
    'POST',
    '/v1/ops/reconciliations',
    body,
  );
  if (started.status !== 202) fail(`${started.status}: ${started.json?.detail ?? JSON.stringify(started.json)}`);
  return started.json.runs;
}

async function follow(run: { id: string; day: string }): Promise<Report> {
  const bar = new SingleBar({
    format: `${run.day} [{bar}] {phase} | {orders} orders`,
    hideCursor: true,
    clearOnComplete: false,
  });
  const phases = ['queued', 'settling', 'payments', 'orders', 'refunds', 'settlement', 'done'];
  bar.start(phases.length - 1, 0, { phase: 'queued', orders: 0 });
  for (;;) {
    const { status, json } = await api<Report>('GET', `/v1/ops/reconciliations/${run.id}?limit=500`);
    if (status === 200) {
      bar.update(Math.max(0, phases.indexOf(json.progress.phase)), {
        phase: json.progress.phase,
        orders: json.progress.orders,
      });
      if (json.status === 'completed' || json.status === 'failed') {
        bar.stop();
        return json;
      }
    } else if (status !== 404) {
      bar.stop();
      fail(`${status} reading ${run.id}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

if (!key) fail('set OPERATOR_KEY to a finance operator key');
const reports = [];
for (const run of await start()) reports.push(await follow(run));

const rows = reports.map((r) => ({
  run: r.id,
  day: r.day,
  status: r.status,
  orders: r.counts.orders,
  'settled ok': r.counts.settled.succeeded,
  'settled failed': r.counts.settled.failed,
  expired: r.counts.settled.expired,
  open: r.counts.stillOpen,
  differences: Object.values(r.counts.differences).reduce((a, b) => a + b, 0),
  'acted on': r.counts.results.done,
  'needs a person': r.counts.results['needs-person'] + r.counts.results.refused,
}));
console.table(rows);
for (const r of reports) {
  for (const d of r.differences.filter((x) => x.result === 'needs-person' || x.result === 'refused')) {
    process.stdout.write(`  ${r.day} ${d.kind} ${d.orderId ?? '-'} ${d.paymentId ?? '-'}: ${d.detail}\n`);
  }
  process.stdout.write(`report: ${base}/v1/ops/reconciliations/${r.id} (Accept: text/csv for CSV)\n`);
}
process.exit(reports.some((r) => r.status !== 'completed') ? 1 : rows.some((r) => r['needs a person'] > 0) ? 2 : 0);
