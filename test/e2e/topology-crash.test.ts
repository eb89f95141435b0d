import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import test, { type ExecutionContext } from 'ava';
import { startLocalTopology, type Topology } from '../../infra/local/topology.ts';
import { createSchedulerClient } from '../../shared/adapters/cloud-scheduler/scheduler-jobs.ts';
import { createCloudTasksClient } from '../../shared/adapters/cloud-tasks/cloud-tasks-task-queue.ts';
import { MemoryLogger } from '../../shared/adapters/logging/json-logger.ts';
import { PUSH_ROUTES } from '../../shared/http/routes.ts';
import { emulatorSuite, uniqueName } from '../support/emulator-test.ts';
import { type GatewayGate, gatewayGate } from '../support/gateway-gate.ts';
import { type PushGate, pushGate } from '../support/push-gate.ts';
import { type TcpValve, tcpValve } from '../support/tcp-valve.ts';
import { assertInvariants } from './crash-invariants.ts';
import { type Client, client, type Harness, operator, pay } from './harness.ts';
import { istDay } from './reconciliation-scenarios.ts';
import { topologyHarness } from './topology-harness.ts';

const INTERVAL_SECONDS = 2;
// long enough that no order of these tests expires while a service is down
const MAX_AGE_SECONDS = 60;
const FINANCE_KEY = 'crash-test-finance-key-0001';
const SUPPORT_KEY = 'crash-test-support-key-0001';
const logger = new MemoryLogger();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Reads until `done` holds, every 200 ms, at most `tries` times; returns the last value read (the caller asserts). */
async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean, tries = 100): Promise<T> {
  let value = await read();
  for (let i = 0; i < tries && !done(value); i++) {
    await sleep(200);
    value = await read();
  }
  return value;
}

/**
 * Processes killed mid-flow on the emulator topology (one Node process per service, the Firestore and Pub/Sub
 * emulators, the project's Cloud Tasks emulator). Each test stops a service at an exact point of its work (a proxy in
 * front of its gateway, Pub/Sub or push endpoint holds the call it makes or the answer it gives), kills it with
 * SIGKILL, starts it again and checks, once deliveries resume, that nothing was lost or doubled.
 *
 * Not here: restarting the Cloud Tasks emulator with pending tasks. It keeps its queues in memory only (see
 * infra/cloud-tasks-emulator/README.md, "persistence across restarts" under what it does not do), so tasks pending
 * at a restart are gone, as they would never be on Google Cloud; there is nothing of ours to test there.
 */
emulatorSuite('firestore', (firestoreHost) => {
  emulatorSuite('pubsub', (pubsubHost) => {
    const projectId = uniqueName('crash');
    let topology: Topology | null = null;
    let harness: Harness | null = null;
    let pubsubValve: TcpValve | null = null;
    let checkerGateway: GatewayGate | null = null;
    let reconcilerGateway: GatewayGate | null = null;
    let fulfillmentPushes: PushGate | null = null;

    const acquire = async (): Promise<{ h: Harness; topo: Topology }> => {
      if (!topology) {
        pubsubValve = await tcpValve(pubsubHost);
        checkerGateway = await gatewayGate();
        reconcilerGateway = await gatewayGate();
        fulfillmentPushes = await pushGate();
        topology = await startLocalTopology({
          port: 0,
          firestoreHost,
          pubsubHost,
          projectId,
          settings: {
            OPERATOR_API_KEYS: `finance:${FINANCE_KEY},support:${SUPPORT_KEY}`,
            STATUS_CHECK_INTERVAL_SECONDS: String(INTERVAL_SECONDS),
            PAYMENT_MAX_AGE_SECONDS: String(MAX_AGE_SECONDS),
            REFUND_CHECK_INTERVAL_SECONDS: String(INTERVAL_SECONDS),
            // one order at a time, so "halfway through the day" is an exact order
            RECONCILIATION_CONCURRENCY: '1',
            RECONCILIATION_LEASE_SECONDS: '10',
          },
          serviceEnv: {
            webhooks: { PUBSUB_EMULATOR_HOST: pubsubValve.host },
            'status-checker': { RAZORPAY_BASE_URL: checkerGateway.url },
            reconciler: { RAZORPAY_BASE_URL: reconcilerGateway.url },
          },
          refundAutoSettleMs: 200,
          logger,
        });
        checkerGateway.target = topology.sandbox.app.fetch;
        reconcilerGateway.target = topology.sandbox.app.fetch;
        fulfillmentPushes.target = topology.services.fulfillment!;
        // fulfillment's pushes go through the gate, which passes them on until a test sets a trap
        await new PubSub({ projectId, apiEndpoint: pubsubHost })
          .subscription('fulfillment-payment-events')
          .modifyPushConfig({ pushEndpoint: `${fulfillmentPushes.url}${PUSH_ROUTES['payment-events']}` });
        harness = topologyHarness(topology, {
          intervalSeconds: INTERVAL_SECONDS,
          maxAgeSeconds: MAX_AGE_SECONDS,
          supportKey: SUPPORT_KEY,
          seen: [],
        });
      }
      return { h: harness!, topo: topology };
    };

    /** Kills a service outright, as a machine or OOM kill would, and says so in the test's log. */
    const kill = async (t: ExecutionContext, topo: Topology, service: string) => {
      const p = topo.processes.get(service)!;
      const pid = p.pid;
      await p.stop('SIGKILL');
      t.log(`SIGKILL ${service} (pid ${pid})`);
    };

    let firestore: Firestore | null = null;
    const outboxOf = async (orderId: string) => {
      firestore ??= new Firestore({ projectId });
      const snap = await firestore.collection('outbox').get();
      return snap.docs
        .map((d) => d.data().event as { type: string; orderId: string })
        .filter((e) => e.orderId === orderId);
    };

    const creditOf = async (c: Client, orderId: string) =>
      ((await c.json('GET', '/v1/account/entries?limit=100')).items as any[]).filter(
        (e) => e.orderId === orderId && e.kind === 'credit',
      );

    const stepsOf = async (c: Client, orderId: string) =>
      (await c.notifications()).filter((n: any) => n.orderId === orderId).map((n: any) => n.step as string);

    /** Waits until the order is credited and its success told: deliveries have resumed. */
    const settledAndTold = (c: Client, orderId: string) =>
      poll(
        async () => ({ credit: await creditOf(c, orderId), steps: await stepsOf(c, orderId) }),
        (s) => s.credit.length > 0 && s.steps.includes('succeeded'),
        150,
      );

    test.afterEach.always((t) => {
      if (!t.passed) {
        const interesting = logger.lines.filter((l) => l.severity === 'WARNING' || l.severity === 'ERROR');
        t.log(JSON.stringify(interesting.slice(-20), null, 1));
      }
    });
    test.after.always(async () => {
      pubsubValve?.release();
      checkerGateway?.release();
      reconcilerGateway?.release();
      await topology?.stop();
      await firestore?.terminate();
      await Promise.all([
        pubsubValve?.close(),
        checkerGateway?.close(),
        reconcilerGateway?.close(),
        fulfillmentPushes?.close(),
      ]);
    });

    test.serial(
      'crash: webhook receiver killed after its commit, before its publish → the outbox sweep publishes; credited once, told once',
      async (t) => {
        const { h, topo } = await acquire();
        const c = await client(h);
        // On a loaded machine the status checker (every 2 s here) can settle the order before the webhook does; it
        // then publishes on its own connection and the receiver has nothing to publish. That order cannot show this
        // kill point, so the scenario starts again with a new one, up to three times.
        let order = await c.createOrder();
        for (let attempt = 1; ; attempt++) {
          // the receiver's Pub/Sub calls are held from here: it can commit, it cannot publish
          pubsubValve!.hold();
          await pay(h, order.checkout.gatewayOrderId, { webhook: 'deliver' });
          const committed = await poll(
            () => c.order(order.id),
            (o) => o.status === 'succeeded',
          );
          t.is(committed.status, 'succeeded', 'the webhook was applied and committed');
          const settledBy = (committed.timeline as { kind: string; to: string; source: string }[]).find(
            (e) => e.kind === 'transition' && e.to === 'succeeded',
          )?.source;
          if (settledBy === 'webhook' || attempt === 3) {
            // a loaded machine can take a while between the commit and the publish: a minute, not the usual 20 s
            await poll(
              async () => pubsubValve!.heldBytes,
              (n) => n > 0,
              300,
            );
            break;
          }
          t.log(`attempt ${attempt}: ${order.id} was settled by ${settledBy} first; again with a new order`);
          pubsubValve!.release();
          order = await c.createOrder();
        }
        t.true(pubsubValve!.heldBytes > 0, 'its publish is in flight, held');
        await kill(t, topo, 'webhooks');
        pubsubValve!.release();
        const left = await outboxOf(order.id);
        t.true(
          left.some((e) => e.type === 'payment.succeeded'),
          `payment.succeeded is still in the outbox: ${JSON.stringify(left)}`,
        );
        t.deepEqual(await creditOf(c, order.id), [], 'nothing credited: the event was never published');
        await topo.processes.get('webhooks')!.start();
        // the sandbox retries its webhooks meanwhile: one may reach the new receiver, which changes nothing
        await topo.sandbox.settle();
        const scheduler = createSchedulerClient({ emulatorHost: topo.services.cloudTasksEmulator! });
        await scheduler.runJob({ name: `${topo.schedulerParent}/jobs/outbox-sweep` });
        await scheduler.close();
        const after = await settledAndTold(c, order.id);
        t.is(after.credit.length, 1, 'credited once the sweep published');
        t.deepEqual(await outboxOf(order.id), [], 'the outbox is empty for the order');
        const found = await assertInvariants(t, c, [{ orderId: order.id, status: 'succeeded' }]);
        t.log(
          `kill point: webhooks, after committing ${order.id} → succeeded, its publish held in flight; in flight: ` +
            `${left.map((e) => e.type).join(', ')} in the outbox, unpublished; after restart and the outbox sweep: ${found}`,
        );
      },
    );

    test.serial(
      'crash: status checker killed during a check (webhook lost) → Cloud Tasks retries it; the order settles once',
      async (t) => {
        const { h, topo } = await acquire();
        const c = await client(h);
        const order = await c.createOrder();
        const gatewayOrderId = order.checkout.gatewayOrderId as string;
        const trap = checkerGateway!.trap((path) => path.includes(gatewayOrderId));
        await pay(h, gatewayOrderId, { webhook: 'drop' });
        const path = await trap.reached;
        t.log(`status check in flight: GET ${path} held`);
        await kill(t, topo, 'status-checker');
        t.is((await c.order(order.id)).status, 'created', 'the check died before applying anything');
        checkerGateway!.release();
        await topo.processes.get('status-checker')!.start();
        const after = await settledAndTold(c, order.id);
        t.is(after.credit.length, 1, 'credited once');
        const settled = await c.order(order.id);
        t.like(
          (settled.timeline as any[]).find((e) => e.to === 'succeeded'),
          { source: 'status-check' },
          'settled by the retried status check',
        );
        const tasks = createCloudTasksClient({ emulatorHost: topo.services.cloudTasksEmulator! });
        const [pending] = await tasks.listTasks({ parent: `${topo.schedulerParent}/queues/status-checks` });
        await tasks.close();
        const chain = pending.filter((task) => task.name?.includes(order.id));
        t.true(
          chain.length <= 1,
          `at most one pending check for the order, no forked chain: ${chain.map((x) => x.name)}`,
        );
        const found = await assertInvariants(t, c, [{ orderId: order.id, status: 'succeeded' }]);
        t.log(
          `kill point: status-checker, its gateway read for ${order.id} sent, unanswered; in flight: the check task ` +
            `(payment captured, webhook dropped); after restart and the queue's retry: ${chain.length} check left pending; ${found}`,
        );
      },
    );

    test.serial(
      'crash: fulfillment killed after crediting, before its ack reaches Pub/Sub → redelivered; credited exactly once',
      async (t) => {
        const { h, topo } = await acquire();
        const c = await client(h);
        const order = await c.createOrder();
        let creditsAtKill = -1;
        const caught = fulfillmentPushes!.trap(
          (e) => e.type === 'payment.succeeded' && e.orderId === order.id,
          async () => {
            await kill(t, topo, 'fulfillment');
            creditsAtKill = (await creditOf(c, order.id)).length;
          },
        );
        await pay(h, order.checkout.gatewayOrderId, { webhook: 'deliver' });
        const status = await caught;
        t.is(status, 200, 'fulfillment had done its work and answered');
        t.is(creditsAtKill, 1, 'the credit was committed before the kill; the ack never reached Pub/Sub');
        await topo.processes.get('fulfillment')!.start();
        const eventId = `${order.id}:payment.succeeded`;
        const deliveries = await poll(
          async () => ({ count: fulfillmentPushes!.count(eventId) }),
          (d) => d.count.acknowledged > 0,
          150,
        );
        t.true(deliveries.count.seen >= 2, `redelivered: ${JSON.stringify(deliveries.count)} (event ids: ${eventId})`);
        t.true(deliveries.count.acknowledged >= 1, 'the redelivery was acknowledged');
        t.is((await creditOf(c, order.id)).length, 1, 'still one credit');
        await settledAndTold(c, order.id);
        const found = await assertInvariants(t, c, [{ orderId: order.id, status: 'succeeded' }]);
        t.log(
          `kill point: fulfillment, after posting the credit of ${order.id}, its 200 kept from Pub/Sub; in flight: ` +
            `the unacknowledged payment.succeeded push; after restart: pushed ${deliveries.count.seen} times, ` +
            `acknowledged ${deliveries.count.acknowledged}; ${found}`,
        );
      },
    );

    test.serial(
      'crash: reconciler killed halfway through a day → the retried run settles the rest; nothing settled, refunded or counted twice',
      async (t) => {
        const { h, topo } = await acquire();
        const c = await client(h);
        const tasks = createCloudTasksClient({ emulatorHost: topo.services.cloudTasksEmulator! });
        const checks = `${topo.schedulerParent}/queues/status-checks`;
        // the orders' own status checks wait, so only the run can settle them
        await tasks.pauseQueue({ name: checks });
        try {
          const outcomes = ['success', 'success', 'failure', 'success', 'success', 'success'] as const;
          const orders: { id: string; gatewayOrderId: string; expect: 'succeeded' | 'failed' }[] = [];
          for (const outcome of outcomes) {
            const order = await c.createOrder();
            await pay(h, order.checkout.gatewayOrderId, { outcome, webhook: 'drop' });
            orders.push({
              id: order.id,
              gatewayOrderId: order.checkout.gatewayOrderId,
              expect: outcome === 'success' ? 'succeeded' : 'failed',
            });
          }
          const ours = new Set(orders.map((o) => o.gatewayOrderId));
          const half = 3;
          const trap = reconcilerGateway!.trap((path) => [...ours].some((id) => path.includes(id)), half);
          const day = istDay((await c.order(orders[0]!.id)).createdAt);
          const started = await operator(h, 'POST', '/v1/ops/reconciliations', { date: day });
          const run = (await started.json()) as any;
          t.is(started.status, 202, JSON.stringify(run));
          const path = await trap.reached;
          await kill(t, topo, 'reconciler');
          const before = await Promise.all(orders.map((o) => c.order(o.id)));
          const settledBefore = before.filter((o) => o.status !== 'created').length;
          t.is(settledBefore, half, `the run died with ${half} orders settled: ${before.map((o) => o.status)}`);
          t.log(`reconciliation ${run.id} in flight: ${settledBefore} of ${orders.length} settled, GET ${path} held`);
          reconcilerGateway!.release();
          await topo.processes.get('reconciler')!.start();
          const report = await poll(
            async () =>
              (await operator(h, 'GET', `/v1/ops/reconciliations/${run.id}?limit=500`)).json() as Promise<any>,
            (r) => r.status === 'completed' || r.status === 'failed',
            200,
          );
          t.is(report.status, 'completed', `run ${report.id}: ${report.status} ${report.error ?? ''}`);
          t.true(report.attempts >= 2, `attempts ${report.attempts}: the queue ran it again`);
          for (const o of orders.filter((o) => o.expect === 'succeeded')) await settledAndTold(c, o.id);
          const found = await assertInvariants(
            t,
            c,
            orders.map((o) => ({ orderId: o.id, status: o.expect })),
          );
          const mine = (report.differences as any[]).filter((d) => orders.some((o) => o.id === d.orderId));
          const keys = mine.map((d) => d.key);
          t.deepEqual(keys, [...new Set(keys)], 'no difference twice');
          const settledIn = mine.filter((d) => d.kind === 'captured-not-succeeded').map((d) => d.orderId);
          t.deepEqual(
            settledIn.toSorted(),
            orders
              .filter((o) => o.expect === 'succeeded')
              .map((o) => o.id)
              .toSorted(),
            'every success the run settled is in its report, once, whichever attempt settled it',
          );
          t.deepEqual(
            mine.filter((d) => d.kind !== 'captured-not-succeeded'),
            [],
            'no other difference: nothing to refund',
          );
          const byKind: Record<string, number> = {};
          for (const d of report.differences) byKind[d.kind] = (byKind[d.kind] ?? 0) + 1;
          for (const [kind, n] of Object.entries(report.counts.differences))
            t.is(n, byKind[kind] ?? 0, `count of ${kind}`);
          t.true(report.counts.orders >= orders.length, `orders ${report.counts.orders}`);
          const after = await Promise.all(orders.map((o) => c.order(o.id)));
          t.deepEqual(
            after.map((o) => o.refunds.length),
            orders.map(() => 0),
            'nothing refunded',
          );
          t.log(
            `kill point: reconciler, ${half} of ${orders.length} orders settled by run ${run.id}, the next one's ` +
              `gateway read unanswered; after restart the queue ran it again (attempts ${report.attempts}): ` +
              `${settledIn.length} captured-not-succeeded, counts ${JSON.stringify(report.counts.settled)}; ${found}`,
          );
        } finally {
          await tasks.resumeQueue({ name: checks });
          await tasks.close();
        }
      },
    );
  });
});
