import type { TestFn } from 'ava';
import { nextStatus, sseReader, withTimeout } from '../support/sse.ts';
import { client, type Harness, pay, sandboxPayment, scenarioRunner, signedWebhook, until } from './harness.ts';

/**
 * The end-to-end promises of the payment core, written once and run against every way the product runs
 * (the embedded default, the emulator topology). `acquire` gives a harness; scenarios use fresh customers.
 */
export function registerScenarios(
  test: TestFn,
  label: string,
  acquire: () => Promise<Harness>,
  release: (h: Harness) => Promise<void>,
) {
  const run = scenarioRunner(test, label, acquire, release);

  run('pay with webhook delivered → succeeded, customer notified of created and succeeded', async (h, t) => {
    const c = await client(h);
    const order = await c.createOrder();
    t.is(order.status, 'created', `created, got ${order.status}`);
    t.true(order.checkout.gatewayOrderId.startsWith('order_'), 'checkout names the gateway order');
    await pay(h, order.checkout.gatewayOrderId, { webhook: 'deliver' });
    const done = await until(
      h,
      () => c.order(order.id),
      (o) => o.status === 'succeeded',
      2,
    );
    t.is(done.status, 'succeeded', `succeeded, got ${done.status}`);
    t.is(done.timeline.at(-1).source, 'webhook', 'settled by the webhook');
    const steps = (
      await until(
        h,
        () => c.notifications(),
        (n) => n.length >= 2,
        2,
      )
    )
      .map((n: any) => n.step)
      .sort();
    t.is(JSON.stringify(steps), JSON.stringify(['created', 'succeeded']), `notified: ${steps}`);
  });

  run('webhook dropped → the status checker settles it', async (h, t) => {
    const c = await client(h);
    const order = await c.createOrder();
    await pay(h, order.checkout.gatewayOrderId, { webhook: 'drop' });
    await h.settle();
    t.is((await c.order(order.id)).status, 'created', 'nothing known before the check');
    const done = await until(
      h,
      () => c.order(order.id),
      (o) => o.status === 'succeeded',
      3,
    );
    t.is(done.status, 'succeeded', `succeeded, got ${done.status}`);
    t.is(done.timeline.at(-1).source, 'status-check', 'settled by the status check');
  });

  run('failure → failed, and the customer is told', async (h, t) => {
    const c = await client(h);
    const order = await c.createOrder();
    await pay(h, order.checkout.gatewayOrderId, { outcome: 'failure', webhook: 'deliver' });
    const done = await until(
      h,
      () => c.order(order.id),
      (o) => o.status === 'failed',
      2,
    );
    t.is(done.status, 'failed', `failed, got ${done.status}`);
    const steps = (
      await until(
        h,
        () => c.notifications(),
        (n) => n.some((x: any) => x.step === 'failed'),
        2,
      )
    ).map((n: any) => n.step);
    t.true(steps.includes('failed'), `notified: ${steps}`);
  });

  run('confirm with the checkout signature → 202 processing, then succeeded by the immediate check', async (h, t) => {
    const c = await client(h);
    const order = await c.createOrder();
    const { paymentId, signature } = await pay(h, order.checkout.gatewayOrderId, { webhook: 'drop' });
    const res = await c.call('POST', `/v1/orders/${order.id}/confirm`, { paymentId, signature });
    t.is(res.status, 202, `202, got ${res.status}`);
    t.is(((await res.json()) as any).status, 'processing', 'processing');
    await h.settle();
    const done = await until(
      h,
      () => c.order(order.id),
      (o) => o.status === 'succeeded',
      1,
    );
    t.is(done.status, 'succeeded', `the immediate check settled it, got ${done.status}`);
  });

  run('confirm: forged signature → 400, order unchanged', async (h, t) => {
    const c = await client(h);
    const order = await c.createOrder();
    const { paymentId } = await pay(h, order.checkout.gatewayOrderId, { webhook: 'drop' });
    const res = await c.call('POST', `/v1/orders/${order.id}/confirm`, { paymentId, signature: 'ab'.repeat(32) });
    t.is(res.status, 400, `400, got ${res.status}`);
    t.is(res.headers.get('content-type')?.startsWith('application/problem+json'), true, 'problem+json');
    const after = await c.order(order.id);
    t.is(after.status, 'created', 'order unchanged');
    t.is(after.timeline.length, 1, 'order unchanged');
  });

  run(
    "confirm with Razorpay's checkout callback as-is (razorpay_order_id, _payment_id, _signature) → 202",
    async (h, t) => {
      const c = await client(h);
      const order = await c.createOrder();
      const { paymentId, signature } = await pay(h, order.checkout.gatewayOrderId, { webhook: 'drop' });
      const res = await c.call('POST', `/v1/orders/${order.id}/confirm`, {
        razorpay_order_id: order.checkout.gatewayOrderId,
        razorpay_payment_id: paymentId,
        razorpay_signature: signature,
      });
      t.is(res.status, 202);
      t.like(await res.json(), { status: 'processing' });
    },
  );

  run("confirm: another order's razorpay_order_id → 400, order unchanged", async (h, t) => {
    const c = await client(h);
    const order = await c.createOrder();
    const other = await c.createOrder();
    const { paymentId, signature } = await pay(h, other.checkout.gatewayOrderId, { webhook: 'drop' });
    const res = await c.call('POST', `/v1/orders/${order.id}/confirm`, {
      razorpay_order_id: other.checkout.gatewayOrderId,
      razorpay_payment_id: paymentId,
      razorpay_signature: signature,
    });
    t.is(res.status, 400);
    t.like(await res.json(), { errors: [{ path: 'razorpay_order_id' }] });
    const after = await c.order(order.id);
    t.is(after.status, 'created', 'order unchanged');
    t.is(after.timeline.length, 1, 'order unchanged');
  });

  run('live stream: the current status at once, then each step as it happens, then the stream ends', async (h, t) => {
    const c = await client(h);
    const order = await c.createOrder();
    const res = await c.call('GET', `/v1/orders/${order.id}/stream`);
    t.is(res.status, 200);
    const stream = sseReader(res);
    const read = () => withTimeout(nextStatus(stream), 30_000, 'a stream event');
    t.like(await read(), { id: '0', status: 'created' });
    const { paymentId, signature } = await pay(h, order.checkout.gatewayOrderId, { webhook: 'drop' });
    await c.call('POST', `/v1/orders/${order.id}/confirm`, {
      razorpay_order_id: order.checkout.gatewayOrderId,
      razorpay_payment_id: paymentId,
      razorpay_signature: signature,
    });
    await h.settle();
    const seen: string[] = [];
    for (let event = await read(); event !== null; event = await read()) seen.push(`${event.id}:${event.status}`);
    t.deepEqual(seen, ['1:processing', '2:succeeded'], 'then processing and succeeded, then the end');
  });

  run('ten concurrent duplicate webhooks → one transition and one notification', async (h, t) => {
    const c = await client(h);
    const order = await c.createOrder();
    const { paymentId } = await pay(h, order.checkout.gatewayOrderId, { webhook: 'drop' });
    const payment = await sandboxPayment(h, paymentId);
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        h.fetch('/webhooks/razorpay', signedWebhook(h, 'payment.captured', payment, 'evt_dup_1')),
      ),
    );
    t.true(
      responses.every((r) => r.status === 200),
      `all acknowledged: ${responses.map((r) => r.status)}`,
    );
    // and ten more with distinct event ids: the state machine, not only the event-id filter, holds the line
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        h.fetch('/webhooks/razorpay', signedWebhook(h, 'payment.captured', payment, `evt_other_${i}`)),
      ),
    );
    await h.settle();
    const done = await c.order(order.id);
    t.is(done.status, 'succeeded', `succeeded, got ${done.status}`);
    t.is(done.timeline.filter((e: any) => e.to === 'succeeded').length, 1, 'one succeeded transition');
    const notes = await until(
      h,
      () => c.notifications(),
      (n) => n.some((x: any) => x.step === 'succeeded'),
      1,
    );
    t.is(notes.filter((n: any) => n.step === 'succeeded').length, 1, 'one succeeded notification');
  });

  run('bad signature → 401 and nothing changes', async (h, t) => {
    const c = await client(h);
    const order = await c.createOrder();
    const { paymentId } = await pay(h, order.checkout.gatewayOrderId, { webhook: 'drop' });
    const payment = await sandboxPayment(h, paymentId);
    const forged = await h.fetch(
      '/webhooks/razorpay',
      signedWebhook(h, 'payment.captured', payment, 'evt_forged', 'not-the-secret'),
    );
    t.is(forged.status, 401, `401, got ${forged.status}`);
    const unsigned = await h.fetch('/webhooks/razorpay', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    t.is(unsigned.status, 401, `unsigned 401, got ${unsigned.status}`);
    await h.settle();
    const after = await c.order(order.id);
    t.is(after.status, 'created', 'order unchanged');
    t.is(after.timeline.length, 1, 'order unchanged');
  });

  run('signed but unsupported webhook event → acknowledged as not supported, nothing changes', async (h, t) => {
    const c = await client(h);
    const order = await c.createOrder();
    const { paymentId } = await pay(h, order.checkout.gatewayOrderId, { webhook: 'drop' });
    const payment = await sandboxPayment(h, paymentId);
    const res = await h.fetch(
      '/webhooks/razorpay',
      signedWebhook(h, 'payment.dispute.created', payment, 'evt_dispute'),
    );
    t.is(res.status, 200, `200, got ${res.status}`);
    t.is(((await res.json()) as any).status, 'not supported', 'not supported');
    t.is((await c.order(order.id)).timeline.length, 1, 'order unchanged');
  });

  run('no payment before the max age → expired, customer told', async (h, t) => {
    const c = await client(h);
    const order = await c.createOrder();
    const intervals = Math.ceil(h.maxAgeSeconds / h.intervalSeconds) + 2;
    const done = await until(
      h,
      () => c.order(order.id),
      (o) => o.status === 'expired',
      intervals,
    );
    t.is(done.status, 'expired', `expired, got ${done.status}`);
    const steps = (
      await until(
        h,
        () => c.notifications(),
        (n) => n.some((x: any) => x.step === 'expired'),
        1,
      )
    ).map((n: any) => n.step);
    t.true(steps.includes('expired'), `notified: ${steps}`);
  });

  run('amount differs from the order → never succeeded, flagged for refund', async (h, t) => {
    const c = await client(h);
    const order = await c.createOrder(49_900);
    await pay(h, order.checkout.gatewayOrderId, { webhook: 'deliver', amount: 100 });
    await h.settle();
    const after = await c.order(order.id);
    t.not(after.status, 'succeeded', `not succeeded, got ${after.status}`);
    t.true(after.flags.includes('amount-mismatch') && after.flags.includes('refund-required'), `flags: ${after.flags}`);
  });

  run('idempotent create: same key and body → same order; other body → 409, nothing written', async (h, t) => {
    const c = await client(h);
    const first = await c.createOrder(49_900, 'idem-1');
    const again = await c.call(
      'POST',
      '/v1/orders',
      { amount: 49_900, currency: 'INR', description: 'Plan upgrade' },
      { 'idempotency-key': 'idem-1' },
    );
    t.is(again.status, 201, `201, got ${again.status}`);
    const body = (await again.json()) as any;
    t.is(body.id, first.id, 'same order');
    t.is(body.checkout.gatewayOrderId, first.checkout.gatewayOrderId, 'same order');
    const other = await c.call(
      'POST',
      '/v1/orders',
      { amount: 50_000, currency: 'INR' },
      { 'idempotency-key': 'idem-1' },
    );
    t.is(other.status, 409, `409, got ${other.status}`);
    const list = await c.json('GET', '/v1/orders');
    t.is(list.items.length, 1, `one order, got ${list.items.length}`);
  });

  run('another customer’s order → 404; no token → 401', async (h, t) => {
    const alice = await client(h);
    const bob = await client(h);
    const order = await alice.createOrder();
    t.is((await bob.call('GET', `/v1/orders/${order.id}`)).status, 404, 'bob gets 404');
    t.is(
      (await bob.call('POST', `/v1/orders/${order.id}/confirm`, { paymentId: 'pay_x', signature: 'ab' })).status,
      404,
      'bob cannot confirm',
    );
    t.is((await h.fetch(`/v1/orders/${order.id}`)).status, 401, 'no token → 401');
    t.is(
      (await h.fetch('/v1/orders', { headers: { authorization: 'Bearer not.a.jwt' } })).status,
      401,
      'bad token → 401',
    );
  });
}
