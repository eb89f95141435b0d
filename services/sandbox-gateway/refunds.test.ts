import test from 'ava';
import { call, createOrder, makeSandbox, NOW_SECONDS, paidOrder } from '../../test/support/sandbox.ts';

const KEY = { 'X-Refund-Idempotency': 'refund-ord_1-attempt_1' };

test('refund: full refund (no amount) → pending refund entity; payment refunded/full', async (t) => {
  const { sandbox } = makeSandbox();
  const { paymentId } = await paidOrder(sandbox, 49_900);
  const res = await call(sandbox, 'POST', `/v1/payments/${paymentId}/refund`, {}, KEY);
  t.is(res.status, 200);
  t.like(res.json, {
    entity: 'refund',
    amount: 49_900,
    currency: 'INR',
    payment_id: paymentId,
    status: 'pending',
    created_at: NOW_SECONDS,
  });
  t.regex(res.json.id, /^rfnd_[A-Za-z0-9]{14}$/);
  const payment = await call(sandbox, 'GET', `/v1/payments/${paymentId}`);
  t.like(payment.json, { status: 'refunded', captured: true, amount_refunded: 49_900, refund_status: 'full' });
});

test('refund: partial refunds add up; the payment stays captured until fully refunded', async (t) => {
  const { sandbox } = makeSandbox();
  const { paymentId } = await paidOrder(sandbox, 10_000);
  await call(sandbox, 'POST', `/v1/payments/${paymentId}/refund`, { amount: 3_000 });
  let payment = await call(sandbox, 'GET', `/v1/payments/${paymentId}`);
  t.like(payment.json, { status: 'captured', amount_refunded: 3_000, refund_status: 'partial' });
  await call(sandbox, 'POST', `/v1/payments/${paymentId}/refund`, { amount: 7_000 });
  payment = await call(sandbox, 'GET', `/v1/payments/${paymentId}`);
  t.like(payment.json, { status: 'refunded', amount_refunded: 10_000, refund_status: 'full' });
});

test('refund: more than captured minus already refunded → 400 BAD_REQUEST_ERROR on amount', async (t) => {
  const { sandbox } = makeSandbox();
  const { paymentId } = await paidOrder(sandbox, 10_000);
  const over = await call(sandbox, 'POST', `/v1/payments/${paymentId}/refund`, { amount: 10_001 });
  t.is(over.status, 400);
  t.like(over.json.error, { code: 'BAD_REQUEST_ERROR', field: 'amount' });
  await call(sandbox, 'POST', `/v1/payments/${paymentId}/refund`, { amount: 6_000 });
  const rest = await call(sandbox, 'POST', `/v1/payments/${paymentId}/refund`, { amount: 4_001 });
  t.is(rest.status, 400);
  const exact = await call(sandbox, 'POST', `/v1/payments/${paymentId}/refund`, { amount: 4_000 });
  t.is(exact.status, 200);
  const none = await call(sandbox, 'POST', `/v1/payments/${paymentId}/refund`, {});
  t.is(none.status, 400);
});

test('refund: on a payment that was not captured → 400', async (t) => {
  const { sandbox } = makeSandbox();
  const order = await createOrder(sandbox);
  const failed = await call(sandbox, 'POST', `/control/orders/${order.id}/pay`, {
    outcome: 'failure',
    webhook: 'drop',
  });
  const res = await call(sandbox, 'POST', `/v1/payments/${failed.json.paymentId}/refund`, {});
  t.is(res.status, 400);
  t.is(res.json.error.code, 'BAD_REQUEST_ERROR');
});

test('refund: bad input → 400 (amount below ₹1, unknown payment, malformed key, unknown field)', async (t) => {
  const { sandbox } = makeSandbox();
  const { paymentId } = await paidOrder(sandbox);
  const cases: [string, unknown, Record<string, string>][] = [
    [paymentId, { amount: 50 }, {}],
    [paymentId, { amount: 1.5 }, {}],
    ['pay_nope', {}, {}],
    [paymentId, {}, { 'X-Refund-Idempotency': 'short' }],
    [paymentId, {}, { 'X-Refund-Idempotency': 'has spaces in it' }],
    [paymentId, { reason: 'x' }, {}],
    [paymentId, '{oops', {}],
  ];
  for (const [id, body, headers] of cases) {
    const res = await call(sandbox, 'POST', `/v1/payments/${id}/refund`, body, headers);
    t.is(res.status, 400, JSON.stringify([id, body, headers]));
    t.is(res.json.error.code, 'BAD_REQUEST_ERROR');
  }
});

test('refund: the same X-Refund-Idempotency key and body returns the same refund, refunding once', async (t) => {
  const { sandbox, hook } = makeSandbox();
  const { paymentId } = await paidOrder(sandbox, 10_000);
  const first = await call(sandbox, 'POST', `/v1/payments/${paymentId}/refund`, { amount: 2_500 }, KEY);
  const second = await call(sandbox, 'POST', `/v1/payments/${paymentId}/refund`, { amount: 2_500 }, KEY);
  t.is(second.status, 200);
  t.is(second.json.id, first.json.id);
  const payment = await call(sandbox, 'GET', `/v1/payments/${paymentId}`);
  t.is(payment.json.amount_refunded, 2_500);
  await sandbox.settle();
  t.deepEqual(
    hook.events().map((e) => e.type),
    ['refund.created'],
    'the replay sends no second refund.created',
  );
});

test('refund: the same key with a different body → 400 BAD_REQUEST_ERROR', async (t) => {
  const { sandbox } = makeSandbox();
  const { paymentId } = await paidOrder(sandbox, 10_000);
  await call(sandbox, 'POST', `/v1/payments/${paymentId}/refund`, { amount: 2_500 }, KEY);
  const res = await call(sandbox, 'POST', `/v1/payments/${paymentId}/refund`, { amount: 3_000 }, KEY);
  t.is(res.status, 400);
  t.is(res.json.error.description, 'Different request with the same idempotency key has already been processed.');
});

test('refund: a replayed key answers with the refund as it is now (settled)', async (t) => {
  const { sandbox } = makeSandbox();
  const { paymentId } = await paidOrder(sandbox);
  const first = await call(sandbox, 'POST', `/v1/payments/${paymentId}/refund`, {}, KEY);
  await call(sandbox, 'POST', `/control/refunds/${first.json.id}/settle`, { outcome: 'processed', webhook: 'drop' });
  const replay = await call(sandbox, 'POST', `/v1/payments/${paymentId}/refund`, {}, KEY);
  t.like(replay.json, { id: first.json.id, status: 'processed' });
});

test('refund: fetch by id and by payment; a refund of another payment is not found under this one', async (t) => {
  const { sandbox } = makeSandbox();
  const a = await paidOrder(sandbox);
  const b = await paidOrder(sandbox);
  const refund = await call(sandbox, 'POST', `/v1/payments/${a.paymentId}/refund`, { amount: 1_000 });
  const byId = await call(sandbox, 'GET', `/v1/refunds/${refund.json.id}`);
  const byPayment = await call(sandbox, 'GET', `/v1/payments/${a.paymentId}/refunds/${refund.json.id}`);
  t.deepEqual(byId.json, refund.json);
  t.deepEqual(byPayment.json, refund.json);
  const wrong = await call(sandbox, 'GET', `/v1/payments/${b.paymentId}/refunds/${refund.json.id}`);
  t.is(wrong.status, 400);
  t.is((await call(sandbox, 'GET', '/v1/refunds/rfnd_nope')).status, 400);
});

test('refund: settle processed by hand → refund.created then refund.processed webhooks with refund and payment', async (t) => {
  const { sandbox, hook } = makeSandbox();
  const { paymentId } = await paidOrder(sandbox);
  const refund = await call(sandbox, 'POST', `/v1/payments/${paymentId}/refund`, { amount: 1_000 });
  const settled = await call(sandbox, 'POST', `/control/refunds/${refund.json.id}/settle`, { outcome: 'processed' });
  t.is(settled.status, 200);
  t.like(settled.json, { id: refund.json.id, status: 'processed' });
  await sandbox.settle();
  t.deepEqual(
    hook.events().map((e) => e.type),
    ['refund.created', 'refund.processed'],
  );
  const body = JSON.parse(hook.requests[1]?.body ?? '');
  t.deepEqual(body.contains, ['refund', 'payment']);
  t.like(body.payload.refund.entity, { id: refund.json.id, status: 'processed', payment_id: paymentId });
  t.like(body.payload.payment.entity, { id: paymentId, amount_refunded: 1_000 });
  const again = await call(sandbox, 'POST', `/control/refunds/${refund.json.id}/settle`, { outcome: 'failed' });
  t.is(again.status, 400, 'a settled refund cannot be settled again');
});

test('refund: refund-behaviour failed → later refunds settle failed and give the amount back', async (t) => {
  const { sandbox, hook } = makeSandbox({ refundAutoSettleMs: 0 });
  const { paymentId } = await paidOrder(sandbox, 10_000);
  const set = await call(sandbox, 'POST', `/control/payments/${paymentId}/refund-behaviour`, { outcome: 'failed' });
  t.is(set.status, 200);
  const refund = await call(sandbox, 'POST', `/v1/payments/${paymentId}/refund`, {}, KEY);
  t.is(refund.json.status, 'pending');
  await sandbox.settle();
  t.like((await call(sandbox, 'GET', `/v1/refunds/${refund.json.id}`)).json, { status: 'failed' });
  t.like((await call(sandbox, 'GET', `/v1/payments/${paymentId}`)).json, {
    status: 'captured',
    amount_refunded: 0,
    refund_status: null,
  });
  t.deepEqual(
    hook.events().map((e) => e.type),
    ['refund.created', 'refund.failed'],
  );

  await call(sandbox, 'POST', `/control/payments/${paymentId}/refund-behaviour`, { outcome: 'processed' });
  const retry = await call(sandbox, 'POST', `/v1/payments/${paymentId}/refund`, {});
  await sandbox.settle();
  t.like((await call(sandbox, 'GET', `/v1/refunds/${retry.json.id}`)).json, { status: 'processed' });
});

test('refund: auto-settles as processed after refundAutoSettleMs, awaited by settle()', async (t) => {
  const { sandbox, hook } = makeSandbox({ refundAutoSettleMs: 5 });
  const { paymentId } = await paidOrder(sandbox);
  const refund = await call(sandbox, 'POST', `/v1/payments/${paymentId}/refund`, {});
  await sandbox.settle();
  t.like((await call(sandbox, 'GET', `/v1/refunds/${refund.json.id}`)).json, { status: 'processed' });
  t.deepEqual(
    hook.events().map((e) => e.type),
    ['refund.created', 'refund.processed'],
  );
});

test('refund: refundAutoSettleMs null leaves refunds pending until settled by hand', async (t) => {
  const { sandbox } = makeSandbox({ refundAutoSettleMs: null });
  const { paymentId } = await paidOrder(sandbox);
  const refund = await call(sandbox, 'POST', `/v1/payments/${paymentId}/refund`, {});
  await sandbox.settle();
  t.is((await call(sandbox, 'GET', `/v1/refunds/${refund.json.id}`)).json.status, 'pending');
});

test('refund: close() cancels pending auto-settle timers', async (t) => {
  const { sandbox } = makeSandbox({ refundAutoSettleMs: 60_000 });
  const { paymentId } = await paidOrder(sandbox);
  const refund = await call(sandbox, 'POST', `/v1/payments/${paymentId}/refund`, {});
  sandbox.close();
  await sandbox.settle();
  t.is((await call(sandbox, 'GET', `/v1/refunds/${refund.json.id}`)).json.status, 'pending');
});

test('refund control: unknown refund or payment → 404; bad outcome → 400', async (t) => {
  const { sandbox } = makeSandbox();
  t.is((await call(sandbox, 'POST', '/control/refunds/rfnd_nope/settle', { outcome: 'processed' })).status, 404);
  t.is((await call(sandbox, 'POST', '/control/payments/pay_nope/refund-behaviour', { outcome: 'failed' })).status, 404);
  const { paymentId } = await paidOrder(sandbox);
  const bad = await call(sandbox, 'POST', `/control/payments/${paymentId}/refund-behaviour`, { outcome: 'sometimes' });
  t.is(bad.status, 400);
  t.is(bad.json.error.code, 'BAD_REQUEST_ERROR');
});
