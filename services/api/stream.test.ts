import test from 'ava';
import { MemoryLogger } from '../../shared/adapters/logging/json-logger.ts';
import { embeddedHarness } from '../../test/e2e/embedded-harness.ts';
import { client, pay } from '../../test/e2e/harness.ts';
import { nextStatus, sseReader } from '../../test/support/sse.ts';
import type { ServiceDeps } from '../catalogue/catalogue.ts';
import { createApp } from './app.ts';

test('stream: the current status at once, then processing and succeeded as they happen, then it ends', async (t) => {
  const h = await embeddedHarness();
  const c = await client(h);
  const order = await c.createOrder();
  const res = await c.call('GET', `/v1/orders/${order.id}/stream`);
  t.is(res.status, 200);
  t.regex(res.headers.get('content-type') ?? '', /^text\/event-stream/);
  const stream = sseReader(res);
  t.like(await nextStatus(stream), { id: '0', status: 'created', orderId: order.id });

  const { paymentId, signature } = await pay(h, order.checkout.gatewayOrderId, { webhook: 'drop' });
  const confirm = await c.call('POST', `/v1/orders/${order.id}/confirm`, {
    razorpay_order_id: order.checkout.gatewayOrderId,
    razorpay_payment_id: paymentId,
    razorpay_signature: signature,
  });
  t.is(confirm.status, 202);
  t.like(await nextStatus(stream), { id: '1', status: 'processing', entry: { source: 'client' } });
  await h.settle();
  t.like(await nextStatus(stream), { id: '2', status: 'succeeded' });
  t.is(await nextStatus(stream), null, 'the stream ends after a final status');
  await h.close();
});

test('stream: resumed with Last-Event-ID → only the steps missed, then the end; at the final status → 204', async (t) => {
  const h = await embeddedHarness();
  const c = await client(h);
  const order = await c.createOrder();
  const { paymentId, signature } = await pay(h, order.checkout.gatewayOrderId, { webhook: 'drop' });
  await c.call('POST', `/v1/orders/${order.id}/confirm`, { paymentId, signature });
  await h.settle();
  t.is((await c.order(order.id)).status, 'succeeded');

  const resumed = sseReader(await c.call('GET', `/v1/orders/${order.id}/stream`, undefined, { 'last-event-id': '0' }));
  t.like(await nextStatus(resumed), { id: '1', status: 'processing' });
  t.like(await nextStatus(resumed), { id: '2', status: 'succeeded' });
  t.is(await nextStatus(resumed), null);

  const done = await c.call('GET', `/v1/orders/${order.id}/stream`, undefined, { 'last-event-id': '2' });
  t.is(done.status, 204, 'tells EventSource to stop reconnecting');
  await h.close();
});

test("stream: another customer's order → 404; no token → 401; a bad Last-Event-ID → 400 naming the header", async (t) => {
  const h = await embeddedHarness();
  const alice = await client(h);
  const bob = await client(h);
  const order = await alice.createOrder();
  t.is((await bob.call('GET', `/v1/orders/${order.id}/stream`)).status, 404);
  t.is((await h.fetch(`/v1/orders/${order.id}/stream`)).status, 401);
  const bad = await alice.call('GET', `/v1/orders/${order.id}/stream`, undefined, { 'last-event-id': 'abc' });
  t.is(bad.status, 400);
  t.like(await bad.json(), { errors: [{ path: 'header: Last-Event-ID' }] });
  await h.close();
});

test('stream: a failed payment → created, then failed, then the end', async (t) => {
  const h = await embeddedHarness();
  const c = await client(h);
  const order = await c.createOrder();
  const stream = sseReader(await c.call('GET', `/v1/orders/${order.id}/stream`));
  t.like(await nextStatus(stream), { status: 'created' });
  await pay(h, order.checkout.gatewayOrderId, { outcome: 'failure' });
  await h.settle();
  t.like(await nextStatus(stream), { status: 'failed' });
  t.is(await nextStatus(stream), null);
  await h.close();
});

test('stream: an idle stream carries heartbeat comments and stays open', async (t) => {
  const h = await embeddedHarness();
  const c = await client(h);
  const order = await c.createOrder();
  // the api app on the same stores, with a short heartbeat
  const app = createApp({
    ...(h.stack.deps as ServiceDeps),
    logger: new MemoryLogger(),
    bodyLimitBytes: 4096,
    streamHeartbeatMs: 20,
  });
  const token = await h.stack.issuer.customerToken(c.customerId);
  const res = await app.request(`/v1/orders/${order.id}/stream`, { headers: { authorization: `Bearer ${token}` } });
  const stream = sseReader(res);
  t.like(await nextStatus(stream), { status: 'created' });
  let message = await stream.next();
  while (message && message.comment === undefined) message = await stream.next();
  t.is(message?.comment, 'heartbeat');
  await stream.cancel();
  await h.close();
});
