import test from 'ava';
import { eventFor } from '../../shared/domain/event-ids.ts';
import { pushRequest, seedOrder, serviceDeps } from '../../test/support/service-deps.ts';
import { createApp } from './app.ts';

async function setup() {
  const s = await serviceDeps();
  const order = await seedOrder(s, { paid: true });
  const event = eventFor(order, 'payment.succeeded', 'webhook', s.clock.now().toISOString());
  return { ...s, app: createApp(s.deps), order, event };
}

test('notifier: a push without a token → 401, no notification', async (t) => {
  const { app, event, deps, order } = await setup();
  const res = await app.request('/pubsub/payment-events', pushRequest(event, 'm1'));
  t.is(res.status, 401);
  t.is((await deps.notifications.list(order.customerId, 10)).items.length, 0);
});

test('notifier: a pushed event → 204 and one notification in the customer feed', async (t) => {
  const { app, event, deps, order, pushToken } = await setup();
  const res = await app.request('/pubsub/payment-events', pushRequest(event, 'm1', await pushToken()));
  t.is(res.status, 204);
  const feed = await deps.notifications.list(order.customerId, 10);
  t.like(feed.items, [{ orderId: order.id, step: 'succeeded', eventId: event.id }]);
});

test('notifier: the same event pushed twice → still one notification', async (t) => {
  const { app, event, deps, order, pushToken } = await setup();
  await app.request('/pubsub/payment-events', pushRequest(event, 'm1', await pushToken()));
  const again = await app.request('/pubsub/payment-events', pushRequest(event, 'm2', await pushToken()));
  t.is(again.status, 204);
  t.is((await deps.notifications.list(order.customerId, 10)).items.length, 1);
});
