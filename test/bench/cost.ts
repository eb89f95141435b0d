import { createEmbeddedStack, type EmbeddedStack } from '../../services/embedded/stack.ts';
import { MemoryLogger } from '../../shared/adapters/logging/json-logger.ts';
import { ManualClock } from '../../shared/adapters/memory/clocks.ts';
import {
  ACCOUNT_STORE_RULES,
  ATTEMPT_COUNTER_RULES,
  DELIVERY_STORE_RULES,
  EVENT_BUS_RULES,
  GATEWAY_RULES,
  INBOX_STORE_RULES,
  Meter,
  metered,
  NOTIFICATION_STORE_RULES,
  OPERATOR_KEY_RULES,
  ORDER_STORE_RULES,
  OUTBOX_RULES,
  TASK_QUEUE_RULES,
} from '../../shared/adapters/metering/metered.ts';
import type { PathCount } from './prices.ts';

const BASE = 'http://bench.test';
const HOUR = 3600_000;

/** The embedded stack with every port behind a counting decorator, and its deliveries counted as they arrive. */
async function meteredStack(options: { clock?: ManualClock; backoffAfterSeconds?: number } = {}) {
  const meter = new Meter();
  const deliveries = { pushes: 0, tasks: 0 };
  const stack = await createEmbeddedStack({
    baseUrl: BASE,
    logger: new MemoryLogger(),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.backoffAfterSeconds !== undefined
      ? { statusCheckBackoffAfterSeconds: options.backoffAfterSeconds }
      : {}),
    refundAutoSettleMs: 0,
    // the abuse limits are for real customers; the bench is one customer paying hundreds of times a second
    limits: { customerPerMinute: 1e8, ipPerMinute: 1e8, authFailuresPerMinute: 1e8, maxOpenOrdersPerCustomer: 1e8 },
    // the simulation hook sees every task and push delivery: here it only counts them, never fails one
    chaos: (request) => {
      const path = new URL(request.url).pathname;
      if (path.startsWith('/pubsub/')) deliveries.pushes += 1;
      else if (path.startsWith('/tasks/')) deliveries.tasks += 1;
      return null;
    },
    decorate: (deps) => ({
      ...deps,
      orders: metered(deps.orders, meter, ORDER_STORE_RULES, 'orders'),
      outbox: metered(deps.outbox, meter, OUTBOX_RULES, 'outbox'),
      accounts: metered(deps.accounts, meter, ACCOUNT_STORE_RULES, 'accounts'),
      inbox: metered(deps.inbox, meter, INBOX_STORE_RULES, 'inbox'),
      notifications: metered(deps.notifications, meter, NOTIFICATION_STORE_RULES, 'notifications'),
      attempts: metered(deps.attempts, meter, ATTEMPT_COUNTER_RULES, 'attempts'),
      deliveries: metered(deps.deliveries, meter, DELIVERY_STORE_RULES, 'deliveries'),
      operatorKeys: metered(deps.operatorKeys, meter, OPERATOR_KEY_RULES, 'operatorKeys'),
      tasks: metered(deps.tasks, meter, TASK_QUEUE_RULES, 'tasks'),
      bus: metered(deps.bus, meter, EVENT_BUS_RULES, 'bus'),
      gateway: metered(deps.gateway, meter, GATEWAY_RULES, 'gateway'),
    }),
  });
  const token = (
    (await (await stack.fetch(new Request(`${BASE}/dev/token?customerId=bench`))).json()) as {
      token: string;
    }
  ).token;
  return { stack, meter, deliveries, token };
}

async function post(stack: EmbeddedStack, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await stack.fetch(
    new Request(`${BASE}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    }),
  );
  if (!res.ok) throw new Error(`${path} → ${res.status}: ${await res.text()}`);
  return (await res.json()) as Record<string, unknown>;
}

export type PathName =
  | 'webhook delivered'
  | 'webhook lost'
  | 'failure'
  | 'abandoned until expiry'
  | 'abandoned, no backoff'
  | 'partial refund';

/**
 * One payment down each path on a manual clock, with time advanced until nothing is left pending (status checks
 * included: the 48 h of an abandoned order pass in no time), counting every port call, push and task delivery.
 */
export async function costPerPath(): Promise<Record<PathName, PathCount>> {
  const out = {} as Record<PathName, PathCount>;
  const paths: [PathName, (s: EmbeddedStack, gatewayOrderId: string, orderId: string, key: string) => Promise<void>][] =
    [
      ['webhook delivered', (s, g) => pay(s, g, 'success', 'deliver')],
      ['webhook lost', (s, g) => pay(s, g, 'success', 'drop')],
      ['failure', (s, g) => pay(s, g, 'failure', 'deliver')],
      ['abandoned until expiry', async () => undefined],
      ['abandoned, no backoff', async () => undefined],
      [
        'partial refund',
        async (s, g, orderId, key) => {
          await pay(s, g, 'success', 'deliver');
          await s.drain();
          await post(
            s,
            `/v1/orders/${orderId}/refunds`,
            { amount: 10_000, reason: 'bench' },
            { 'x-api-key': key, 'idempotency-key': `refund-${orderId}` },
          );
        },
      ],
    ];
  for (const [name, afterCreate] of paths) {
    const clock = new ManualClock();
    // the default backs off after 2 h (STATUS_CHECK_BACKOFF_AFTER_SECONDS); one path shows the cost without it
    const { stack, meter, deliveries, token } = await meteredStack({
      clock,
      ...(name === 'abandoned, no backoff' ? { backoffAfterSeconds: 0 } : {}),
    });
    const created = await post(
      stack,
      '/v1/orders',
      { amount: 49_900, currency: 'INR' },
      { authorization: `Bearer ${token}`, 'idempotency-key': `cost-${name.replace(/\W/g, '-')}` },
    );
    const gatewayOrderId = (created.checkout as { gatewayOrderId: string }).gatewayOrderId;
    await afterCreate(stack, gatewayOrderId, created.id as string, stack.operatorKey!);
    await stack.drain();
    // pass the time a payment can live (48 h by default) plus a margin, 15 minutes at a time
    for (let t = 0; t < 50 * HOUR && stack.queue.pending().length > 0; t += 15 * 60_000) {
      clock.advance(15 * 60_000);
      await stack.drain();
    }
    const usage = meter.take();
    out[name] = {
      ...usage,
      pushesReceived: deliveries.pushes,
      taskDeliveries: deliveries.tasks,
      // every push and task delivery, each webhook, and the app's own requests (create; the refund)
      runRequests:
        deliveries.pushes + deliveries.tasks + usage.webhooksReceived + 1 + (name === 'partial refund' ? 1 : 0),
    };
    await stack.stop();
  }
  return out;
}

async function pay(stack: EmbeddedStack, gatewayOrderId: string, outcome: string, webhook: string) {
  await post(stack, `/sandbox/control/orders/${gatewayOrderId}/pay`, { outcome, webhook });
}

/**
 * CPU per payment: process CPU time (user + system) around `n` whole flows (create → pay → webhook → credit →
 * notify), in process on the real clock; the stack is warmed up first so start-up and JIT are not counted.
 */
export async function cpuPerPayment(n: number): Promise<{ payments: number; cpuMsPerPayment: number }> {
  const { stack, token } = await meteredStack();
  const flow = async (i: number) => {
    const created = await post(
      stack,
      '/v1/orders',
      { amount: 10_000 + i, currency: 'INR' },
      { authorization: `Bearer ${token}`, 'idempotency-key': `cpu-${i}` },
    );
    await pay(stack, (created.checkout as { gatewayOrderId: string }).gatewayOrderId, 'success', 'deliver');
  };
  for (let i = 0; i < 50; i++) await flow(-i - 1);
  await stack.drain();
  const before = process.cpuUsage();
  // in batches, so flows overlap as they do under load, and drained so credit and notification are included
  for (let i = 0; i < n; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, n - i) }, (_, j) => flow(i + j)));
    await stack.drain();
  }
  const used = process.cpuUsage(before);
  await stack.stop();
  return { payments: n, cpuMsPerPayment: (used.user + used.system) / 1000 / n };
}
