import test from 'ava';

import { queuedRun, startReconciliations } from '../../shared/use-cases/start-reconciliation.ts';
import { payAtGateway, seedOrder, serviceDeps } from '../../test/support/service-deps.ts';
import { createApp } from './app.ts';

async function setup() {
  const s = await serviceDeps();
  return { ...s, app: createApp(s.deps) };
}

function post(body: unknown, token?: string): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  };
}

test('reconciler: a job or task without a push token → 401, nothing started', async (t) => {
  const { app, queue, deps } = await setup();
  t.is((await app.request('/jobs/reconcile', post({}))).status, 401);
  t.is((await app.request('/tasks/reconcile', post({ runId: 'rec_x' }))).status, 401);
  t.is(queue.pending().length, 0);
  t.is((await deps.reconciliations.list(10)).items.length, 0);
});

test('reconciler: the nightly job queues one run of the day before; fired twice, still one', async (t) => {
  const { app, queue, deps, pushToken } = await setup();
  // 2026-03-01T10:00Z is 15:30 in Kolkata: the day before is 28 February
  const res = await app.request('/jobs/reconcile', post({}, await pushToken()));
  t.is(res.status, 202);
  t.like(await res.json(), { id: 'rec_20260228_nightly', day: '2026-02-28', status: 'queued' });
  t.is((await app.request('/jobs/reconcile', post({}, await pushToken()))).status, 202);
  t.is(queue.pending().length, 1, 'one task: the second enqueue of the same name is refused');
  t.is((await deps.reconciliations.list(10)).items.length, 1);
});

test('reconciler: a run task settles the open orders of its day and completes with its counts', async (t) => {
  const s = await setup();
  const { app, deps, store, clock, pushToken } = s;
  const order = await seedOrder(s);
  await payAtGateway(s, order.gateway.orderId!);
  await deps.reconciliations.create(
    queuedRun({
      id: 'rec_today',
      day: '2026-03-01',
      timeZone: 'Asia/Kolkata',
      trigger: 'manual',
      requestedBy: 'k',
      requestedAt: clock.now().toISOString(),
    }),
  );
  const res = await app.request('/tasks/reconcile', post({ runId: 'rec_today' }, await pushToken()));
  t.is(res.status, 200);
  t.like(await store.get(order.id), { status: 'succeeded' });
  const run = await deps.reconciliations.get('rec_today');
  t.like(run, { status: 'completed', attempts: 1, counts: { orders: 1, settled: { succeeded: 1 } } });
  const again = await app.request('/tasks/reconcile', post({ runId: 'rec_today' }, await pushToken()));
  t.is(again.status, 200);
  t.is((await deps.reconciliations.get('rec_today'))?.attempts, 1, 'a completed run is not run again');
});

test('reconciler: a task for a bad run id → 400 problem', async (t) => {
  const { app, pushToken } = await setup();
  const res = await app.request('/tasks/reconcile', post({ runId: '../x' }, await pushToken()));
  t.is(res.status, 400);
});

test('reconciler: a run that breaks halfway answers 503 and, run again, completes without acting or counting twice', async (t) => {
  const s = await setup();
  const { app, deps, store, network, pushToken } = s;
  const order = await seedOrder(s);
  await payAtGateway(s, order.gateway.orderId!);
  // the gateway is unreachable once, when the run comes to list the day's payments
  network.cut('/v1/payments?');
  const [run] = await startReconciliations({ days: ['2026-03-01'], trigger: 'manual', requestedBy: 'k' }, deps);
  const first = await app.request('/tasks/reconcile', post({ runId: run!.id }, await pushToken()));
  t.is(first.status, 503, 'the queue is asked to try again');
  t.like(await deps.reconciliations.get(run!.id), { status: 'failed', attempts: 1 });
  const settled = await store.get(order.id);
  t.is(settled?.status, 'succeeded', 'what the first attempt did stays done');
  const second = await app.request('/tasks/reconcile', post({ runId: run!.id }, await pushToken()));
  t.is(second.status, 200);
  const done = await deps.reconciliations.get(run!.id);
  t.like(done, { status: 'completed', attempts: 2, error: null, counts: { orders: 1 } });
  t.is(done?.counts.differences['captured-not-succeeded'], 1, 'the difference the first attempt found, once');
  t.is((await store.get(order.id))?.version, settled?.version, 'the order was not changed again');
});

test('reconciler: a run killed halfway through settling reports, run again, every order it settled, each once', async (t) => {
  const s = await setup();
  const { app, deps, store, gateway, pushToken } = s;
  const orders = [await seedOrder(s), await seedOrder(s), await seedOrder(s)];
  // each paid at the gateway, its webhook lost: only the run settles them
  for (const o of orders) await payAtGateway(s, o.gateway.orderId!);
  const fetchPaymentState = gateway.fetchPaymentState.bind(gateway);
  let reads = 0;
  gateway.fetchPaymentState = async (gatewayOrderId) => {
    reads += 1;
    // the first attempt settles the first order, then dies on the second's read (as a killed process would)
    if (reads === 2) throw new Error('process killed (injected)');
    return fetchPaymentState(gatewayOrderId);
  };
  const [run] = await startReconciliations({ days: ['2026-03-01'], trigger: 'manual', requestedBy: 'k' }, deps);
  t.is((await app.request('/tasks/reconcile', post({ runId: run!.id }, await pushToken()))).status, 503);
  t.deepEqual(
    await Promise.all(orders.map(async (o) => (await store.get(o.id))?.status)),
    ['succeeded', 'created', 'created'],
    'the first attempt settled one order',
  );
  t.is((await app.request('/tasks/reconcile', post({ runId: run!.id }, await pushToken()))).status, 200);
  const done = await deps.reconciliations.get(run!.id);
  t.like(done, { status: 'completed', attempts: 2, counts: { orders: 3, settled: { succeeded: 3 } } });
  t.is(done?.counts.differences['captured-not-succeeded'], 3, 'each settled order once, whichever attempt settled it');
  const differences = await deps.reconciliations.listDifferences(run!.id, 10);
  t.deepEqual(
    differences.items
      .filter((d) => d.kind === 'captured-not-succeeded')
      .map((d) => d.orderId)
      .sort(),
    orders.map((o) => o.id).sort(),
  );
  t.is(reads, 4, 'the order the first attempt settled is not checked again');
});

test('reconciler: a page of status checks that outlives the lease keeps the day; a redelivered task cannot take it meanwhile', async (t) => {
  const s = await serviceDeps();
  const { deps, clock, gateway, pushToken } = s;
  // one check at a time, each taking half the lease: the page lasts longer than the lease
  const app = createApp({ ...deps, reconciliation: { ...deps.reconciliation, concurrency: 1 } });
  for (let i = 0; i < 3; i++) await seedOrder(s);
  const [run] = await startReconciliations({ days: ['2026-03-01'], trigger: 'manual', requestedBy: 'k' }, deps);
  const fetchPaymentState = gateway.fetchPaymentState.bind(gateway);
  const competitor: boolean[] = [];
  let calls = 0;
  gateway.fetchPaymentState = async (gatewayOrderId) => {
    clock.advance((deps.reconciliation.leaseSeconds * 1000) / 2);
    if (++calls === 3) {
      const now = clock.now();
      const lease = await deps.reconciliations.acquireLease('2026-03-01', 'rec_other', now, new Date(+now + 300_000));
      competitor.push(lease.acquired);
    }
    return fetchPaymentState(gatewayOrderId);
  };
  const res = await app.request('/tasks/reconcile', post({ runId: run!.id }, await pushToken()));
  t.is(res.status, 200);
  t.deepEqual(competitor, [false], 'the day was still held when the third check began, a lease and a half in');
  t.like(await deps.reconciliations.get(run!.id), { status: 'completed', attempts: 1, counts: { orders: 3 } });
});

test('reconciler: its task redelivered while the run still goes (past the dispatch deadline) → 503, the run goes on alone', async (t) => {
  const s = await setup();
  const { app, deps, gateway, pushToken } = s;
  await seedOrder(s);
  const [run] = await startReconciliations({ days: ['2026-03-01'], trigger: 'manual', requestedBy: 'k' }, deps);
  const fetchPaymentState = gateway.fetchPaymentState.bind(gateway);
  const redelivered: number[] = [];
  gateway.fetchPaymentState = async (gatewayOrderId) => {
    const again = await app.request('/tasks/reconcile', post({ runId: run!.id }, await pushToken()));
    redelivered.push(again.status);
    return fetchPaymentState(gatewayOrderId);
  };
  const first = await app.request('/tasks/reconcile', post({ runId: run!.id }, await pushToken()));
  t.is(first.status, 200);
  t.deepEqual(redelivered, [503], 'the redelivery waits: the first attempt holds the day');
  t.like(await deps.reconciliations.get(run!.id), { status: 'completed', attempts: 1, counts: { orders: 1 } });
});
