import test from 'ava';
import { payAtGateway, seedOrder, serviceDeps } from '../../test/support/service-deps.ts';
import { createApp } from './app.ts';

async function setup() {
  const s = await serviceDeps();
  const order = await seedOrder(s);
  return { ...s, app: createApp(s.deps), order };
}

function task(body: unknown, token?: string): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  };
}

test('status-checker: a task without a push token → 401, nothing checked', async (t) => {
  const { app, order, store } = await setup();
  const res = await app.request('/tasks/check-payment', task({ orderId: order.id, check: 1, chain: true }));
  t.is(res.status, 401);
  t.like(await store.get(order.id), { version: order.version });
});

test('status-checker: the gateway says paid → order succeeded, no further check', async (t) => {
  const s = await setup();
  const { app, order, store, queue, pushToken } = s;
  const { paymentId } = await payAtGateway(s, order.gateway.orderId!);
  const res = await app.request(
    '/tasks/check-payment',
    task({ orderId: order.id, check: 1, chain: true }, await pushToken()),
  );
  t.is(res.status, 200);
  t.deepEqual(await res.json(), { outcome: 'terminal', status: 'succeeded' });
  t.like(await store.get(order.id), { status: 'succeeded', paymentId });
  t.is(queue.pending().length, 0);
});

test('status-checker: the gateway has nothing yet → the next check of the chain is scheduled', async (t) => {
  const { app, order, queue, pushToken } = await setup();
  const res = await app.request(
    '/tasks/check-payment',
    task({ orderId: order.id, check: 1, chain: true }, await pushToken()),
  );
  t.like(await res.json(), { outcome: 'rescheduled', status: 'created' });
  t.like(
    queue.pending().map((p) => p.body),
    [{ orderId: order.id, check: 2, chain: true }],
  );
});

test('status-checker: a task for an unknown order → 200 unknown-order, so Cloud Tasks stops retrying', async (t) => {
  const { app, pushToken } = await setup();
  const res = await app.request(
    '/tasks/check-payment',
    task({ orderId: 'ord_00000000000000000000', check: 1, chain: true }, await pushToken()),
  );
  t.is(res.status, 200);
  t.deepEqual(await res.json(), { outcome: 'unknown-order' });
});

test('status-checker: the outbox sweep publishes what a commit left behind', async (t) => {
  const s = await setup();
  const { app, store, bus, pushToken } = s;
  const order = await seedOrder(s);
  await store.update(order.id, (o) => ({
    order: { ...o, version: o.version + 1 },
    events: [{ ...stubEvent(o.id, o.customerId), amount: o.amount }],
  }));
  const res = await app.request('/jobs/sweep-outbox', task({}, await pushToken()));
  t.is(res.status, 200);
  t.deepEqual(await res.json(), { published: 1, failed: 0 });
  t.is(bus.published.length, 1);
  t.deepEqual(await store.pending(10), []);
});

function stubEvent(orderId: string, customerId: string) {
  return {
    id: `${orderId}:payment.processing`,
    type: 'payment.processing' as const,
    orderId,
    customerId,
    status: 'processing' as const,
    paymentId: null,
    source: 'status-check' as const,
    occurredAt: '2026-03-01T10:00:00.000Z',
    refund: null,
  };
}
