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

test('fulfillment: a push without a token → 401, nothing credited', async (t) => {
  const { app, event, deps, order } = await setup();
  const res = await app.request('/pubsub/payment-events', pushRequest(event, 'm1'));
  t.is(res.status, 401);
  t.like(await deps.accounts.get(order.customerId), { entryCount: 0 });
});

test('fulfillment: payment.succeeded → the account is credited the order amount', async (t) => {
  const { app, event, deps, order, pushToken } = await setup();
  const res = await app.request('/pubsub/payment-events', pushRequest(event, 'm1', await pushToken()));
  t.is(res.status, 200);
  t.deepEqual(await res.json(), { result: 'posted' });
  t.like(await deps.accounts.get(order.customerId), { balance: { amount: 49_900 }, entryCount: 1 });
});

test('fulfillment: payment.succeeded delivered twice → credited once', async (t) => {
  const { app, event, deps, order, pushToken } = await setup();
  await app.request('/pubsub/payment-events', pushRequest(event, 'm1', await pushToken()));
  const again = await app.request('/pubsub/payment-events', pushRequest(event, 'm2', await pushToken()));
  t.is(again.status, 200);
  t.like(await deps.accounts.get(order.customerId), { balance: { amount: 49_900 }, entryCount: 1 });
});

test('fulfillment: an event it does not act on → 200 ignored', async (t) => {
  const { app, order, clock, pushToken } = await setup();
  const created = eventFor(order, 'payment.created', 'api', clock.now().toISOString());
  const res = await app.request('/pubsub/payment-events', pushRequest(created, 'm1', await pushToken()));
  t.deepEqual(await res.json(), { result: 'ignored' });
});
