import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEV_RAZORPAY_KEYS } from '../../services/dev/dev-keys.ts';
import { hmacHex } from '../../shared/adapters/gateways/razorpay/signatures.ts';
import { event, paymentEntity } from '../support/razorpay-fixtures.ts';
import { costPerPath, cpuPerPayment, type PathName } from './cost.ts';
import { PRICES, pricePerMillion } from './prices.ts';
import { type TopologyResult, topologyPipeline } from './topology.ts';

/**
 * `npm run bench [-- flags]`: measured, never asserted in tests. Flags: --rounds=3 --seconds=5 --connections=32
 * --warmup=3 (seconds of an uncounted first round per server) --sustain=60 (seconds of the emulator-topology run) --flows=500 (CPU per payment) --customers=1000 (whose orders the
 * order rounds send, in turn) --no-topology, --cost-only (the counted cost per path, nothing timed), and --quick
 * (1 round of 3 s, 15 s sustained). Prints one table with the targets' pass/fail and writes it as JSON to
 * test/bench/results/latest.json.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const flag = (name: string, fallback: number) => {
  const given = process.argv.find((a) => a.startsWith(`--${name}=`));
  return given ? Number(given.split('=')[1]) : fallback;
};
const quick = process.argv.includes('--quick');
const ROUNDS = flag('rounds', quick ? 1 : 3);
const SECONDS = flag('seconds', quick ? 3 : 5);
const CONNECTIONS = flag('connections', 32);
const SUSTAIN = flag('sustain', quick ? 15 : 60);
const FLOWS = flag('flows', quick ? 200 : 500);
const CUSTOMERS = flag('customers', 1000);
const WARMUP = flag('warmup', quick ? 2 : 3);
const TOPOLOGY = !process.argv.includes('--no-topology');
const run = promisify(execFile);
/** Every request comes from one address (the load generator's) and a few thousand orders stay open per run. */
const UNLIMITED = {
  MAX_OPEN_ORDERS_PER_CUSTOMER: '1000',
  RATE_LIMIT_CUSTOMER_PER_MINUTE: '100000000',
  RATE_LIMIT_IP_PER_MINUTE: '100000000',
  RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '100000000',
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

async function startServer(entry: string, port: number, env: Record<string, string> = {}): Promise<ChildProcess> {
  // as `npm start` runs the stack (package.json), both sides alike: a young generation sized for a busy server
  const child = spawn(process.execPath, ['--max-semi-space-size=16', '--import', 'tsx', entry], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', PRINT_WALKTHROUGH: 'false', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 200; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/`, { method: 'POST' });
      return child;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${entry} did not start`);
}

interface LoadResult {
  rps: number;
  total: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(spec: Record<string, unknown>): Promise<LoadResult> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'test/bench/load.ts', JSON.stringify(spec)], {
    cwd: ROOT,
    maxBuffer: 1 << 24,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as LoadResult;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/** Orders on the stack, then a pool of signed webhooks about them (authorized, then captured, then resent). */
async function webhookPool(stackUrl: string, tokens: readonly string[], orders: number): Promise<string> {
  const created: { gatewayOrderId: string; amount: number }[] = [];
  for (let i = 0; i < orders; i += 16) {
    await Promise.all(
      Array.from({ length: Math.min(16, orders - i) }, async (_, j) => {
        const amount = 20_000 + i + j;
        const res = await fetch(`${stackUrl}/v1/orders`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${tokens[(i + j) % tokens.length]}`,
            'content-type': 'application/json',
            'idempotency-key': randomUUID(),
          },
          body: JSON.stringify({ amount, currency: 'INR' }),
        });
        const body = (await res.json()) as { checkout: { gatewayOrderId: string } };
        created.push({ gatewayOrderId: body.checkout.gatewayOrderId, amount });
      }),
    );
  }
  const pool: { body: string; headers: Record<string, string> }[] = [];
  for (const kind of ['payment.authorized', 'payment.captured', 'payment.captured'] as const) {
    for (const o of created) {
      const payment = paymentEntity({
        id: `pay_${o.gatewayOrderId.slice(6)}`,
        order_id: o.gatewayOrderId,
        amount: o.amount,
        status: kind === 'payment.authorized' ? 'authorized' : 'captured',
        captured: kind !== 'payment.authorized',
      });
      const body = JSON.stringify(event(kind, { payment: { entity: payment } }));
      pool.push({
        body,
        headers: {
          'x-razorpay-signature': hmacHex(DEV_RAZORPAY_KEYS.webhookSecret, body),
          'x-razorpay-event-id': `evt_${randomUUID().replaceAll('-', '').slice(0, 14)}`,
        },
      });
    }
  }
  mkdirSync(`${ROOT}/.tmp`, { recursive: true });
  const file = `${ROOT}/.tmp/bench-webhooks-${randomUUID()}.json`;
  writeFileSync(file, JSON.stringify(pool));
  return file;
}

interface Side {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}
const summarise = (rounds: LoadResult[]): Side => ({
  rps: mean(rounds.map((r) => r.rps)),
  p50: median(rounds.map((r) => r.p50)),
  p99: median(rounds.map((r) => r.p99)),
  errors: rounds.reduce((a, r) => a + r.errors, 0),
});

async function httpRounds() {
  const [stackPort, barePort] = await Promise.all([freePort(), freePort()]);
  // the abuse limits are meant for real customers; the bench is one customer sending thousands of orders a minute
  const stack = await startServer('services/embedded/server.ts', stackPort, { LOG_LEVEL: 'ERROR', ...UNLIMITED });
  const bare = await startServer('test/bench/bare-server.ts', barePort);
  const stackUrl = `http://127.0.0.1:${stackPort}`;
  const bareUrl = `http://127.0.0.1:${barePort}`;
  try {
    // many customers, as in real traffic: the per-customer limits and listings then see a customer's few orders
    const tokens = await Promise.all(
      Array.from({ length: CUSTOMERS }, async (_, i) => {
        const res = await fetch(`${stackUrl}/dev/token?customerId=bench_${i}`);
        return ((await res.json()) as { token: string }).token;
      }),
    );
    const orderPool = `${ROOT}/.tmp/bench-orders-${randomUUID()}.json`;
    mkdirSync(`${ROOT}/.tmp`, { recursive: true });
    const body = JSON.stringify({ amount: 49_900, currency: 'INR', description: 'bench' });
    writeFileSync(orderPool, JSON.stringify(tokens.map((t) => ({ body, headers: { authorization: `Bearer ${t}` } }))));
    const orderSpec = (url: string) => ({
      url: `${url}/v1/orders`,
      connections: CONNECTIONS,
      seconds: SECONDS,
      headers: { 'content-type': 'application/json', 'idempotency-key': '[<id>]' },
      pool: orderPool,
      idReplacement: true,
    });
    const results = {
      orders: { stack: [] as LoadResult[], bare: [] as LoadResult[] },
      webhooks: { stack: [] as LoadResult[], bare: [] as LoadResult[] },
    };
    // a warm-up round each, not counted: a measured round should find V8's code optimised, not still compiling
    await load({ ...orderSpec(bareUrl), seconds: WARMUP });
    await load({ ...orderSpec(stackUrl), seconds: WARMUP });
    for (let round = 0; round < ROUNDS; round++) {
      // alternating, so drift on a shared machine falls on both sides alike
      results.orders.bare.push(await load(orderSpec(bareUrl)));
      results.orders.stack.push(await load(orderSpec(stackUrl)));
      const pool = await webhookPool(stackUrl, tokens, 1500);
      const webhookSpec = (url: string) => ({
        url: `${url}/webhooks/razorpay`,
        connections: CONNECTIONS,
        seconds: SECONDS,
        headers: { 'content-type': 'application/json' },
        pool,
      });
      results.webhooks.bare.push(await load(webhookSpec(bareUrl)));
      results.webhooks.stack.push(await load(webhookSpec(stackUrl)));
      rmSync(pool, { force: true });
    }
    rmSync(orderPool, { force: true });
    return {
      orders: { stack: summarise(results.orders.stack), bare: summarise(results.orders.bare) },
      webhooks: { stack: summarise(results.webhooks.stack), bare: summarise(results.webhooks.bare) },
    };
  } finally {
    stack.kill('SIGTERM');
    bare.kill('SIGTERM');
  }
}

if (process.argv.includes('--cost-only')) {
  // what one payment costs down each path, counted; quick and deterministic, so a design change can be checked
  const counted = await costPerPath();
  for (const [name, c] of Object.entries(counted)) {
    console.log(
      `  ${name.padEnd(24)} r ${c.firestoreReads} w ${c.firestoreWrites} d ${c.firestoreDeletes} · tasks ${c.tasksCreated} · msgs ${c.pubsubPublished} (${c.pushesReceived} pushes) · gw ${c.gatewayCalls}`,
    );
  }
  console.log(
    `  calls (webhook delivered): ${JSON.stringify((counted['webhook delivered'] as { calls?: unknown }).calls)}`,
  );
  process.exit(0);
}
console.log(
  `bench: ${ROUNDS} × ${SECONDS} s rounds, ${CONNECTIONS} connections, node ${process.version}, ${new Date().toISOString()}`,
);
const http = await httpRounds();
const cpu = await cpuPerPayment(FLOWS);
const paths = await costPerPath();
let topology: TopologyResult | { error: string } | null = null;
if (TOPOLOGY) {
  try {
    topology = await topologyPipeline(SUSTAIN, 8, quick ? 5 : 15);
  } catch (error) {
    topology = { error: error instanceof Error ? error.message : String(error) };
  }
}

const rows: [string, string, string][] = [];
const target = (name: string, value: string, pass: boolean | null) =>
  rows.push([name, value, pass === null ? '' : pass ? 'PASS' : 'FAIL']);
for (const [label, side] of [
  ['POST /v1/orders', http.orders],
  ['POST /webhooks/razorpay', http.webhooks],
] as const) {
  const ratio = side.stack.rps / side.bare.rps;
  target(
    `${label} (stack)`,
    `${side.stack.rps.toFixed(0)} req/s  p50 ${side.stack.p50} ms  p99 ${side.stack.p99} ms  errors ${side.stack.errors}`,
    null,
  );
  target(
    `${label} (bare Hono)`,
    `${side.bare.rps.toFixed(0)} req/s  p50 ${side.bare.p50} ms  p99 ${side.bare.p99} ms  errors ${side.bare.errors}`,
    null,
  );
  target(`${label} ratio ≥ 0.25, 0 errors (goal 0.5)`, ratio.toFixed(3), ratio >= 0.25 && side.stack.errors === 0);
}
target('CPU per payment (create → … → notify, in process)', `${cpu.cpuMsPerPayment.toFixed(2)} ms`, null);
const happy = paths['webhook delivered'];
target('happy path Firestore writes ≤ 4', String(happy.firestoreWrites), happy.firestoreWrites <= 4);
target('happy path Cloud Tasks ≤ 2', String(happy.tasksCreated), happy.tasksCreated <= 2);
target('happy path Pub/Sub messages ≤ 4', String(happy.pubsubPublished), happy.pubsubPublished <= 4);
for (const [name, c] of Object.entries(paths) as [PathName, (typeof paths)[PathName]][]) {
  target(
    `cost: ${name}`,
    `r ${c.firestoreReads} w ${c.firestoreWrites} d ${c.firestoreDeletes} · tasks ${c.tasksCreated} (${c.taskDeliveries} runs) · msgs ${c.pubsubPublished} (${c.pushesReceived} pushes) · gw ${c.gatewayCalls} · $${pricePerMillion(c, cpu.cpuMsPerPayment / 1000).toFixed(0)}/M`,
    null,
  );
}
if (topology && 'settled' in topology) {
  target(
    `topology: payments settled/s (${topology.seconds.toFixed(0)} s)`,
    `${topology.settledPerSecond.toFixed(1)} /s (${topology.settled} settled, ${topology.errors} errors)`,
    null,
  );
  const allFlat = Object.values(topology.memory).every((m) => m.flat);
  target(
    'topology: live heap flat in the second half (MiB, start→half→end; RSS)',
    Object.entries(topology.memory)
      .map(
        ([n, m]) =>
          `${n} ${m.heapStartMiB.toFixed(1)}→${m.heapMidMiB.toFixed(1)}→${m.heapEndMiB.toFixed(1)} (RSS ${m.peakMiB.toFixed(0)}, ${m.earlyMiB.toFixed(0)}→${m.lateMiB.toFixed(0)})`,
      )
      .join(', '),
    SUSTAIN >= 60 ? allFlat : null,
  );
} else if (topology) {
  target('topology', `not run: ${topology.error}`, null);
}

const width = Math.max(...rows.map((r) => r[0].length));
for (const [name, value, verdict] of rows) console.log(`  ${name.padEnd(width)}  ${verdict.padEnd(4)}  ${value}`);
console.log(`  prices: Google list prices read ${PRICES.readAt} (test/bench/prices.ts)`);
mkdirSync(`${ROOT}/test/bench/results`, { recursive: true });
writeFileSync(
  `${ROOT}/test/bench/results/latest.json`,
  `${JSON.stringify({ at: new Date().toISOString(), node: process.version, rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS, http, cpu, paths, topology, prices: PRICES, rows }, null, 2)}\n`,
);
console.log('  written: test/bench/results/latest.json');
process.exit(0);
