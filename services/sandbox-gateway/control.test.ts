import { createHmac } from 'node:crypto';
import test from 'ava';
import {
  call,
  createOrder,
  KEY_SECRET,
  makeSandbox,
  NOW_SECONDS,
  WEBHOOK_SECRET,
  WEBHOOK_URL,
  webhookRecorder,
} from '../../test/support/sandbox.ts';

const hmac = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest('hex');

test('pay success → payment captured, order paid, checkout signature over order_id|payment_id', async (t) => {
  const { sandbox } = makeSandbox();
  const order = await createOrder(sandbox, 49_900);
  const paid = await call(sandbox, 'POST', `/control/orders/${order.id}/pay`, { outcome: 'success' });
  t.is(paid.status, 200);
  t.is(paid.json.paymentId, 'pay_T0000000000002');
  t.is(paid.json.signature, hmac(KEY_SECRET, `${order.id}|${paid.json.paymentId}`));

  const payment = await call(sandbox, 'GET', `/v1/payments/${paid.json.paymentId}`);
  t.like(payment.json, {
    id: paid.json.paymentId,
    entity: 'payment',
    amount: 49_900,
    currency: 'INR',
    status: 'captured',
    captured: true,
    order_id: order.id,
    amount_refunded: 0,
    refund_status: null,
    error_code: null,
    created_at: NOW_SECONDS,
  });
  const fetched = await call(sandbox, 'GET', `/v1/orders/${order.id}`);
  t.like(fetched.json, { status: 'paid', amount_paid: 49_900, amount_due: 0, attempts: 1 });
  await sandbox.settle();
});

test('pay failure → payment failed with error fields, order attempted, no signature', async (t) => {
  const { sandbox } = makeSandbox();
  const order = await createOrder(sandbox);
  const failed = await call(sandbox, 'POST', `/control/orders/${order.id}/pay`, { outcome: 'failure' });
  t.is(failed.status, 200);
  t.is(failed.json.signature, null);
  t.like(failed.json.error, { code: 'BAD_REQUEST_ERROR', metadata: { order_id: order.id } });
  const payment = await call(sandbox, 'GET', `/v1/payments/${failed.json.paymentId}`);
  t.like(payment.json, {
    status: 'failed',
    captured: false,
    error_code: 'BAD_REQUEST_ERROR',
    error_source: 'customer',
  });
  t.truthy(payment.json.error_description);
  t.truthy(payment.json.error_reason);
  const fetched = await call(sandbox, 'GET', `/v1/orders/${order.id}`);
  t.like(fetched.json, { status: 'attempted', amount_paid: 0, attempts: 1 });
  await sandbox.settle();
});

test('pay: a failed order can be paid again; a paid order captures a second payment, as Razorpay can', async (t) => {
  const { sandbox } = makeSandbox();
  const order = await createOrder(sandbox);
  await call(sandbox, 'POST', `/control/orders/${order.id}/pay`, { outcome: 'failure', webhook: 'drop' });
  const retry = await call(sandbox, 'POST', `/control/orders/${order.id}/pay`, { outcome: 'success', webhook: 'drop' });
  t.is(retry.status, 200);
  const again = await call(sandbox, 'POST', `/control/orders/${order.id}/pay`, { outcome: 'success', webhook: 'drop' });
  t.is(again.status, 200);
  t.not(again.json.paymentId, retry.json.paymentId);
  t.like((await call(sandbox, 'GET', `/v1/orders/${order.id}`)).json, { status: 'paid', attempts: 3 });
});

test('pay: amount override pays a different amount than the order', async (t) => {
  const { sandbox } = makeSandbox();
  const order = await createOrder(sandbox, 49_900);
  const paid = await call(sandbox, 'POST', `/control/orders/${order.id}/pay`, {
    outcome: 'success',
    amount: 10_000,
    webhook: 'drop',
  });
  const payment = await call(sandbox, 'GET', `/v1/payments/${paid.json.paymentId}`);
  t.is(payment.json.amount, 10_000);
  t.like((await call(sandbox, 'GET', `/v1/orders/${order.id}`)).json, { amount_paid: 10_000, amount_due: 39_900 });
});

test('pay: unknown order → 404 in Razorpay error shape', async (t) => {
  const { sandbox } = makeSandbox();
  const res = await call(sandbox, 'POST', '/control/orders/order_nope/pay', { outcome: 'success' });
  t.is(res.status, 404);
  t.like(res.json.error, { code: 'BAD_REQUEST_ERROR', description: 'The id provided does not exist' });
});

test('pay: bad control input → 400 BAD_REQUEST_ERROR', async (t) => {
  const { sandbox } = makeSandbox();
  const order = await createOrder(sandbox);
  for (const body of [
    {},
    { outcome: 'maybe' },
    { outcome: 'success', webhook: 'loud' },
    { outcome: 'success', amount: 5 },
    '{',
  ]) {
    const res = await call(sandbox, 'POST', `/control/orders/${order.id}/pay`, body);
    t.is(res.status, 400, JSON.stringify(body));
    t.is(res.json.error.code, 'BAD_REQUEST_ERROR');
  }
});

test('webhooks: success delivers payment.captured then order.paid, signed, with Razorpay headers and envelope', async (t) => {
  const { sandbox, hook } = makeSandbox();
  const order = await createOrder(sandbox);
  const paid = await call(sandbox, 'POST', `/control/orders/${order.id}/pay`, { outcome: 'success' });
  await sandbox.settle();

  t.deepEqual(
    hook.events().map((e) => e.type),
    ['payment.captured', 'order.paid'],
  );
  for (const req of hook.requests) {
    t.is(req.url, WEBHOOK_URL);
    t.is(req.headers['content-type'], 'application/json');
    t.is(req.headers['x-razorpay-signature'], hmac(WEBHOOK_SECRET, req.body));
    t.regex(req.headers['x-razorpay-event-id'] ?? '', /^[A-Za-z0-9]{14}$/);
  }
  const captured = JSON.parse(hook.requests[0]?.body ?? '');
  t.like(captured, { entity: 'event', event: 'payment.captured', contains: ['payment'], created_at: NOW_SECONDS });
  t.regex(captured.account_id, /^acc_/);
  t.like(captured.payload.payment.entity, { id: paid.json.paymentId, status: 'captured', order_id: order.id });
  const orderPaid = JSON.parse(hook.requests[1]?.body ?? '');
  t.deepEqual(orderPaid.contains, ['payment', 'order']);
  t.like(orderPaid.payload.order.entity, { id: order.id, status: 'paid' });
  t.not(hook.events()[0]?.id, hook.events()[1]?.id);
});

test('webhooks: failure delivers one payment.failed carrying the error fields', async (t) => {
  const { sandbox, hook } = makeSandbox();
  const order = await createOrder(sandbox);
  await call(sandbox, 'POST', `/control/orders/${order.id}/pay`, { outcome: 'failure' });
  await sandbox.settle();
  t.deepEqual(
    hook.events().map((e) => e.type),
    ['payment.failed'],
  );
  const body = JSON.parse(hook.requests[0]?.body ?? '');
  t.like(body.payload.payment.entity, { status: 'failed', error_code: 'BAD_REQUEST_ERROR' });
});

test('webhooks: duplicate sends each event twice with the same X-Razorpay-Event-Id and body', async (t) => {
  const { sandbox, hook } = makeSandbox();
  const order = await createOrder(sandbox);
  await call(sandbox, 'POST', `/control/orders/${order.id}/pay`, { outcome: 'success', webhook: 'duplicate' });
  await sandbox.settle();
  const events = hook.events();
  t.deepEqual(
    events.map((e) => e.type),
    ['payment.captured', 'payment.captured', 'order.paid', 'order.paid'],
  );
  t.is(events[0]?.id, events[1]?.id);
  t.is(events[2]?.id, events[3]?.id);
  t.not(events[0]?.id, events[2]?.id);
  t.is(hook.requests[0]?.body, hook.requests[1]?.body);
});

test('webhooks: drop sends nothing', async (t) => {
  const { sandbox, hook } = makeSandbox();
  const order = await createOrder(sandbox);
  await call(sandbox, 'POST', `/control/orders/${order.id}/pay`, { outcome: 'success', webhook: 'drop' });
  await sandbox.settle();
  t.is(hook.requests.length, 0);
});

test('webhooks: retried with the same event id after a 500 and a network error, then stop at the bound', async (t) => {
  const flaky = webhookRecorder((n) => (n === 1 ? 500 : n === 2 ? new TypeError('fetch failed') : 200));
  const { sandbox } = makeSandbox({ fetch: flaky.fetch });
  const order = await createOrder(sandbox);
  await call(sandbox, 'POST', `/control/orders/${order.id}/pay`, { outcome: 'failure' });
  await sandbox.settle();
  const ids = flaky.events().map((e) => e.id);
  t.is(ids.length, 3);
  t.is(new Set(ids).size, 1);

  const down = webhookRecorder(() => 503);
  const bounded = makeSandbox({ fetch: down.fetch, webhookRetryDelaysMs: [0, 0, 0] });
  const other = await createOrder(bounded.sandbox);
  await call(bounded.sandbox, 'POST', `/control/orders/${other.id}/pay`, { outcome: 'failure' });
  await bounded.sandbox.settle();
  t.is(down.requests.length, 4, 'one attempt plus three retries, then given up');
});

test('webhooks: the control call answers before delivery finishes', async (t) => {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let delivered = false;
  const slow: typeof fetch = async () => {
    await gate;
    delivered = true;
    return new Response(null, { status: 200 });
  };
  const { sandbox } = makeSandbox({ fetch: slow });
  const order = await createOrder(sandbox);
  const res = await call(sandbox, 'POST', `/control/orders/${order.id}/pay`, { outcome: 'failure' });
  t.is(res.status, 200);
  t.false(delivered);
  release();
  await sandbox.settle();
  t.true(delivered);
});

test('webhooks: no webhookUrl → none sent, payments still work', async (t) => {
  const { sandbox, hook } = makeSandbox({ webhookUrl: null });
  const order = await createOrder(sandbox);
  const res = await call(sandbox, 'POST', `/control/orders/${order.id}/pay`, { outcome: 'success' });
  await sandbox.settle();
  t.is(res.status, 200);
  t.is(hook.requests.length, 0);
});

test('webhooks: a receiver that never answers times out per attempt; settle() still resolves', async (t) => {
  let attempts = 0;
  const hanging: typeof fetch = (_input, init) =>
    new Promise((_resolve, reject) => {
      attempts++;
      init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
    });
  const { sandbox } = makeSandbox({ fetch: hanging, webhookTimeoutMs: 10, webhookRetryDelaysMs: [0] });
  const order = await createOrder(sandbox);
  await call(sandbox, 'POST', `/control/orders/${order.id}/pay`, { outcome: 'failure' });
  await sandbox.settle();
  t.is(attempts, 2);
});
