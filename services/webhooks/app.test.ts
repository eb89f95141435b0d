import test from 'ava';
import { event, paymentEntity } from '../../test/support/razorpay-fixtures.ts';
import { seedOrder, serviceDeps, webhookSignature } from '../../test/support/service-deps.ts';
import { createApp } from './app.ts';

async function setup() {
  const s = await serviceDeps();
  const order = await seedOrder(s);
  const captured = (createdAt: Date) =>
    JSON.stringify({
      ...event('payment.captured', {
        payment: {
          entity: paymentEntity({
            id: `pay_${order.id}`,
            order_id: order.gateway.orderId,
            amount: order.amount.amount,
          }),
        },
      }),
      // the event is as old as a webhook in flight: one older than the tolerance is a replay
      created_at: Math.floor(createdAt.getTime() / 1000),
    });
  return { ...s, app: createApp(s.deps), order, body: captured(s.clock.now()), captured };
}

function post(body: string, signature: string, eventId = 'evt_1'): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-razorpay-signature': signature, 'x-razorpay-event-id': eventId },
    body,
  };
}

test('webhooks: valid signature → 200 applied, order succeeded and its event published', async (t) => {
  const { app, order, body, store, bus } = await setup();
  const res = await app.request('/webhooks/razorpay', post(body, webhookSignature(body)));
  t.is(res.status, 200);
  t.deepEqual(await res.json(), { status: 'applied' });
  t.like(await store.get(order.id), { status: 'succeeded', paymentId: `pay_${order.id}` });
  t.deepEqual(
    bus.published.map((p) => p.message.attributes?.eventType),
    ['payment.succeeded'],
  );
});

test('webhooks: forged signature → 401, order unchanged, nothing published', async (t) => {
  const { app, order, body, store, bus } = await setup();
  const res = await app.request('/webhooks/razorpay', post(body, webhookSignature(body, 'not-the-secret')));
  t.is(res.status, 401);
  t.like(await store.get(order.id), { status: 'created', version: order.version });
  t.is(bus.published.length, 0);
});

test('webhooks: the same event id twice → second is a duplicate, one event published', async (t) => {
  const { app, body, bus } = await setup();
  await app.request('/webhooks/razorpay', post(body, webhookSignature(body)));
  const again = await app.request('/webhooks/razorpay', post(body, webhookSignature(body)));
  t.is(again.status, 200);
  t.deepEqual(await again.json(), { status: 'duplicate' });
  t.is(bus.published.length, 1);
});

test('webhooks: the event id is written with the change it caused, into the order, and no inbox record', async (t) => {
  const { app, order, body, store, deps } = await setup();
  await app.request('/webhooks/razorpay', post(body, webhookSignature(body), 'evt_applied'));
  t.deepEqual((await store.get(order.id))?.webhookEvents, ['evt_applied']);
  t.false(await deps.inbox.has('gateway-webhook', 'evt_applied'));
});

test('webhooks: a signed event that changes nothing is acknowledged unchanged, and nothing is written', async (t) => {
  const { app, order, body, store } = await setup();
  await app.request('/webhooks/razorpay', post(body, webhookSignature(body), 'evt_first'));
  const settled = await store.get(order.id);
  const again = await app.request('/webhooks/razorpay', post(body, webhookSignature(body), 'evt_other_id'));
  t.deepEqual(await again.json(), { status: 'unchanged' });
  t.deepEqual(await store.get(order.id), settled);
});

test('webhooks: a validly signed event older than the tolerance → 200 stale, recorded, order unchanged, nothing published', async (t) => {
  const { app, order, captured, clock, store, bus, deps } = await setup();
  const old = captured(new Date(clock.now().getTime() - 2 * 86_400_000));
  const res = await app.request('/webhooks/razorpay', post(old, webhookSignature(old), 'evt_old'));
  t.is(res.status, 200);
  t.deepEqual(await res.json(), { status: 'stale' });
  t.like(await store.get(order.id), { status: 'created' });
  t.is(bus.published.length, 0);
  const issues = await deps.webhookIssues.list(10);
  t.like(issues.items, [{ id: 'evt_old', eventType: 'payment.captured', gatewayOrderId: order.gateway.orderId }]);
  t.regex(issues.items[0]!.reason, /^stale/, 'kept for a person with the other unapplied webhooks');
  const again = await app.request('/webhooks/razorpay', post(old, webhookSignature(old), 'evt_old'));
  t.deepEqual(await again.json(), { status: 'duplicate' }, 'recorded in the inbox');
});
