import test from 'ava';
import { requestRefund } from '../../shared/domain/refund.ts';
import { control, gatewayRefunds, pushRequest, seedOrder, serviceDeps } from '../../test/support/service-deps.ts';
import { createApp } from './app.ts';

/** A paid order with an operator refund recorded but not yet sent to the gateway, and its `refund.initiated`. */
async function setup() {
  const s = await serviceDeps();
  const paid = await seedOrder(s, { paid: true });
  const change = requestRefund(
    paid,
    { refundId: 'rfd_test1', reason: 'customer asked', trigger: 'operator', requestedBy: 'operator:k1' },
    s.clock.now(),
  );
  if (change.outcome !== 'changed') throw new Error('could not seed a refund');
  await s.store.update(paid.id, () => ({ order: change.order, events: [] }));
  const [initiated] = change.events;
  if (!initiated) throw new Error('no refund.initiated event');
  return { ...s, app: createApp(s.deps), order: change.order, initiated };
}

function checkTask(orderId: string, token: string | null, check = 1): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ orderId, refundId: 'rfd_test1', check }),
  };
}

test('refunds: refund.initiated → submitted to the gateway once, pending, first check scheduled', async (t) => {
  const s = await setup();
  const { app, initiated, order, store, queue, pushToken } = s;
  const res = await app.request('/pubsub/payment-events', pushRequest(initiated, 'm1', await pushToken()));
  t.is(res.status, 200);
  t.deepEqual(await res.json(), { result: 'submitted' });
  const refunds = await gatewayRefunds(s);
  t.like(refunds, [{ payment_id: order.paymentId, amount: order.amount.amount, status: 'pending' }]);
  t.like((await store.get(order.id))?.refunds, [
    { id: 'rfd_test1', status: 'pending', gatewayRefundId: refunds[0]!.id },
  ]);
  t.like(
    queue.pending().map((task) => task.body),
    [{ orderId: order.id, refundId: 'rfd_test1', check: 1 }],
  );
});

test('refunds: refund.initiated pushed twice → the gateway holds one refund', async (t) => {
  const s = await setup();
  const { app, initiated, pushToken } = s;
  await app.request('/pubsub/payment-events', pushRequest(initiated, 'm1', await pushToken()));
  const again = await app.request('/pubsub/payment-events', pushRequest(initiated, 'm2', await pushToken()));
  t.is(again.status, 200);
  t.is((await gatewayRefunds(s)).length, 1);
});

test('refunds: check task without a push token → 401', async (t) => {
  const { app, order } = await setup();
  const res = await app.request('/tasks/check-refund', checkTask(order.id, null));
  t.is(res.status, 401);
});

test('refunds: check task once the gateway processed it → refund processed, refund.processed published', async (t) => {
  const s = await setup();
  const { app, initiated, order, store, bus, pushToken } = s;
  await app.request('/pubsub/payment-events', pushRequest(initiated, 'm1', await pushToken()));
  const [refund] = await gatewayRefunds(s);
  await control(s, `/control/refunds/${refund!.id}/settle`, { outcome: 'processed', webhook: 'drop' });
  const res = await app.request('/tasks/check-refund', checkTask(order.id, await pushToken()));
  t.is(res.status, 200);
  t.deepEqual(await res.json(), { status: 'processed' });
  t.like((await store.get(order.id))?.refunds, [{ status: 'processed' }]);
  t.deepEqual(
    bus.published.map((p) => p.message.attributes?.eventType),
    ['refund.processed'],
  );
});

test('refunds: check task while the gateway still has it pending → the next check is scheduled', async (t) => {
  const { app, initiated, order, queue, pushToken } = await setup();
  await app.request('/pubsub/payment-events', pushRequest(initiated, 'm1', await pushToken()));
  const res = await app.request('/tasks/check-refund', checkTask(order.id, await pushToken()));
  t.deepEqual(await res.json(), { status: 'pending' });
  t.deepEqual(
    queue.pending().map((task) => (task.body as { check: number }).check),
    [1, 2],
  );
});
