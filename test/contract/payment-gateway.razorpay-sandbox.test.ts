import test from 'ava';
import type { SandboxGatewayDeps } from '../../services/sandbox-gateway/app.ts';
import { RazorpayGateway } from '../../shared/adapters/gateways/razorpay/razorpay-gateway.ts';
import { AppError } from '../../shared/domain/errors.ts';
import { call, KEY_ID, KEY_SECRET, makeSandbox, WEBHOOK_SECRET } from '../support/sandbox.ts';

/*
 * The Razorpay adapter against the sandbox gateway, in process: the pair that runs locally must agree on every
 * shape. (Here, not beside either, because only a composition root may import both an adapter and a service.)
 */

const INR = (amount: number) => ({ amount, currency: 'INR' as const });

function setup(overrides: Partial<SandboxGatewayDeps> = {}) {
  const { sandbox, hook } = makeSandbox(overrides);
  const gateway = new RazorpayGateway({
    keyId: KEY_ID,
    keySecret: KEY_SECRET,
    webhookSecret: WEBHOOK_SECRET,
    baseUrl: 'http://localhost:8080/sandbox',
    checkoutUrlBase: 'http://localhost:8080/sandbox/checkout',
    // The sandbox app sees paths without the /sandbox prefix, as when the embedded stack mounts it.
    fetch: async (input, init) => sandbox.app.request(String(input).replace('http://localhost:8080/sandbox', ''), init),
  });
  const pay = (gatewayOrderId: string, body: Record<string, unknown>) =>
    call(sandbox, 'POST', `/control/orders/${gatewayOrderId}/pay`, { webhook: 'drop', ...body });
  /** What the webhooks service would see: each recorded delivery run through parseWebhook. */
  const received = () => hook.requests.map((r) => gateway.parseWebhook(r.body, r.headers));
  return { sandbox, hook, gateway, pay, received };
}

const newOrder = (gateway: RazorpayGateway, amount = 49_900) =>
  gateway.createOrder({ amount: INR(amount), receipt: 'ord_contract_1', notes: { orderId: 'ord_contract_1' } });

test('createOrder → checkout details pointing at the sandbox checkout page', async (t) => {
  const { gateway, sandbox } = setup();
  const details = await newOrder(gateway);
  t.regex(details.gatewayOrderId, /^order_[A-Za-z0-9]{14}$/);
  t.deepEqual(details, {
    gateway: 'razorpay',
    keyId: KEY_ID,
    gatewayOrderId: details.gatewayOrderId,
    checkoutUrl: `http://localhost:8080/sandbox/checkout/${details.gatewayOrderId}`,
  });
  const order = await call(sandbox, 'GET', `/v1/orders/${details.gatewayOrderId}`);
  t.like(order.json, {
    amount: 49_900,
    currency: 'INR',
    receipt: 'ord_contract_1',
    notes: { orderId: 'ord_contract_1' },
  });
});

test('fetchPaymentState: no attempt → pending', async (t) => {
  const { gateway } = setup();
  const { gatewayOrderId } = await newOrder(gateway);
  t.deepEqual(await gateway.fetchPaymentState(gatewayOrderId), { status: 'pending' });
});

test('fetchPaymentState: failed attempt → failed with the sandbox’s error as reason', async (t) => {
  const { gateway, pay } = setup();
  const { gatewayOrderId } = await newOrder(gateway);
  const failed = await pay(gatewayOrderId, { outcome: 'failure' });
  const state = await gateway.fetchPaymentState(gatewayOrderId);
  t.like(state, { status: 'failed', paymentId: failed.json.paymentId });
  t.is(state.status, 'failed');
  t.truthy(state.status === 'failed' && state.reason, 'a failure says why');
});

test('fetchPaymentState: failure then success → succeeded with the captured payment and amount', async (t) => {
  const { gateway, pay } = setup();
  const { gatewayOrderId } = await newOrder(gateway);
  await pay(gatewayOrderId, { outcome: 'failure' });
  const paid = await pay(gatewayOrderId, { outcome: 'success' });
  t.deepEqual(await gateway.fetchPaymentState(gatewayOrderId), {
    status: 'succeeded',
    paymentId: paid.json.paymentId,
    paid: INR(49_900),
    captures: [{ paymentId: paid.json.paymentId, paid: INR(49_900) }],
  });
});

test('fetchPaymentState: amount mismatch → succeeded with what was actually paid', async (t) => {
  const { gateway, pay } = setup();
  const { gatewayOrderId } = await newOrder(gateway, 49_900);
  await pay(gatewayOrderId, { outcome: 'success', amount: 10_000 });
  t.like(await gateway.fetchPaymentState(gatewayOrderId), { status: 'succeeded', paid: INR(10_000) });
});

test('fetchPaymentState: unknown order → upstream-failed (refused for good) with Razorpay’s description', async (t) => {
  const { gateway } = setup();
  const err = await t.throwsAsync(gateway.fetchPaymentState('order_DoesNotExist00'), { instanceOf: AppError });
  t.is(err?.type, 'upstream-failed');
  t.regex(err?.message ?? '', /The id provided does not exist/);
});

test('checkout signature from the sandbox: good → true; forged, wrong length, empty → false', async (t) => {
  const { gateway, pay } = setup();
  const { gatewayOrderId } = await newOrder(gateway);
  const { paymentId, signature } = (await pay(gatewayOrderId, { outcome: 'success' })).json;
  t.true(gateway.verifyCheckoutSignature({ gatewayOrderId, paymentId, signature }));
  const forged = `${signature.slice(0, -1)}${signature.endsWith('0') ? '1' : '0'}`;
  t.false(gateway.verifyCheckoutSignature({ gatewayOrderId, paymentId, signature: forged }));
  t.false(gateway.verifyCheckoutSignature({ gatewayOrderId, paymentId, signature: signature.slice(2) }));
  t.false(gateway.verifyCheckoutSignature({ gatewayOrderId, paymentId, signature: '' }));
  t.false(gateway.verifyCheckoutSignature({ gatewayOrderId, paymentId: 'pay_SomethingElse0', signature }));
});

test('parseWebhook on the sandbox’s deliveries: payment.captured and order.paid → succeeded observations', async (t) => {
  const { gateway, pay, sandbox, received, hook } = setup();
  const { gatewayOrderId } = await newOrder(gateway);
  const { paymentId } = (await pay(gatewayOrderId, { outcome: 'success', webhook: 'deliver' })).json;
  await sandbox.settle();
  const hooks = received();
  t.is(hooks.length, 2);
  for (const [i, type] of ['payment.captured', 'order.paid'].entries()) {
    t.deepEqual(hooks[i], {
      kind: 'payment',
      eventId: hook.requests[i]?.headers['x-razorpay-event-id'],
      eventType: type,
      gatewayOrderId,
      observation: { status: 'succeeded', source: 'webhook', paymentId, paid: INR(49_900) },
      createdAt: hooks[i]?.createdAt,
    });
    t.regex(hooks[i]?.createdAt ?? '', /^\d{4}-\d\d-\d\dT/, 'when the sandbox created the event');
  }
});

test('parseWebhook on the sandbox’s deliveries: payment.failed → failed with reason', async (t) => {
  const { gateway, pay, sandbox, received } = setup();
  const { gatewayOrderId } = await newOrder(gateway);
  await pay(gatewayOrderId, { outcome: 'failure', webhook: 'deliver' });
  await sandbox.settle();
  const [hook] = received();
  t.like(hook, { kind: 'payment', eventType: 'payment.failed', gatewayOrderId, observation: { status: 'failed' } });
});

test('parseWebhook: duplicates from the sandbox carry the same event id', async (t) => {
  const { gateway, pay, sandbox, received } = setup();
  const { gatewayOrderId } = await newOrder(gateway);
  await pay(gatewayOrderId, { outcome: 'success', webhook: 'duplicate' });
  await sandbox.settle();
  const ids = received().map((h) => h?.eventId);
  t.is(ids.length, 4);
  t.is(ids[0], ids[1]);
  t.is(ids[2], ids[3]);
});

test('parseWebhook: a sandbox delivery with its body altered or signature stripped → null', async (t) => {
  const { gateway, pay, sandbox, hook } = setup();
  const { gatewayOrderId } = await newOrder(gateway);
  await pay(gatewayOrderId, { outcome: 'success', webhook: 'deliver' });
  await sandbox.settle();
  const req = hook.requests[0];
  if (!req) return t.fail('no webhook recorded');
  t.is(gateway.parseWebhook(req.body.replace('49900', '99900'), req.headers), null);
  t.is(gateway.parseWebhook(req.body, { ...req.headers, 'x-razorpay-signature': undefined }), null);
});

test('refunds round trip: create (idempotent), webhooks, settle, fetch', async (t) => {
  const { gateway, pay, sandbox, received } = setup();
  const { gatewayOrderId } = await newOrder(gateway, 10_000);
  const { paymentId } = (await pay(gatewayOrderId, { outcome: 'success' })).json;

  const input = { paymentId, amount: INR(4_000), idempotencyKey: 'ord_contract_1:refund:1', notes: { why: 'test' } };
  const first = await gateway.createRefund(input);
  t.like(first, { paymentId, amount: INR(4_000), status: 'pending' });
  t.regex(first.refundId, /^rfnd_[A-Za-z0-9]{14}$/);
  const retried = await gateway.createRefund(input);
  t.deepEqual(retried, first, 'same key → the same refund, not a second one');
  t.is((await call(sandbox, 'GET', `/v1/payments/${paymentId}`)).json.amount_refunded, 4_000);

  await call(sandbox, 'POST', `/control/refunds/${first.refundId}/settle`, { outcome: 'processed' });
  await sandbox.settle();
  t.deepEqual(await gateway.fetchRefund(first.refundId, paymentId), { ...first, status: 'processed' });
  const refundHooks = received().filter((h) => h?.kind === 'refund');
  t.deepEqual(
    refundHooks.map((h) => h?.kind === 'refund' && [h.eventType, h.refund.status]),
    [
      ['refund.created', 'pending'],
      ['refund.processed', 'processed'],
    ],
  );
});

test('refunds: over-refund → upstream-failed carrying Razorpay’s refusal', async (t) => {
  const { gateway, pay } = setup();
  const { gatewayOrderId } = await newOrder(gateway, 10_000);
  const { paymentId } = (await pay(gatewayOrderId, { outcome: 'success' })).json;
  const err = await t.throwsAsync(
    gateway.createRefund({ paymentId, amount: INR(10_001), idempotencyKey: 'ord_contract_1:refund:2' }),
    { instanceOf: AppError },
  );
  t.is(err?.type, 'upstream-failed');
  t.regex(err?.message ?? '', /BAD_REQUEST_ERROR.*greater than amount captured.*field amount/);
});

test('refunds: a payment set to fail refunds → refund settles failed, visible to fetchRefund and webhooks', async (t) => {
  const { gateway, pay, sandbox, received } = setup({ refundAutoSettleMs: 0 });
  const { gatewayOrderId } = await newOrder(gateway);
  const { paymentId } = (await pay(gatewayOrderId, { outcome: 'success' })).json;
  await call(sandbox, 'POST', `/control/payments/${paymentId}/refund-behaviour`, { outcome: 'failed' });
  const refund = await gateway.createRefund({
    paymentId,
    amount: INR(49_900),
    idempotencyKey: 'ord_contract_1:refund:3',
  });
  await sandbox.settle();
  t.is((await gateway.fetchRefund(refund.refundId, paymentId)).status, 'failed');
  t.like(received().at(-1), { kind: 'refund', eventType: 'refund.failed', refund: { status: 'failed' } });
});

test('wrong credentials → gateway-unavailable (401), the secret nowhere in the message', async (t) => {
  const { sandbox } = setup();
  const wrong = new RazorpayGateway({
    keyId: KEY_ID,
    keySecret: 'not_the_secret_at_all',
    webhookSecret: WEBHOOK_SECRET,
    baseUrl: 'http://sandbox.test',
    fetch: async (input, init) => sandbox.app.request(String(input), init),
  });
  const err = await t.throwsAsync(wrong.createOrder({ amount: INR(100), receipt: 'r', notes: {} }), {
    instanceOf: AppError,
  });
  t.is(err?.type, 'gateway-unavailable');
  t.regex(err?.message ?? '', /401.*Authentication failed/);
  t.false(err?.message.includes('not_the_secret_at_all'));
});

test('reconciliation reads: listPayments, listRefunds and settlementReport agree with what happened', async (t) => {
  const { gateway, pay, sandbox } = setup();
  const first = await newOrder(gateway, 30_000);
  const { paymentId } = (await pay(first.gatewayOrderId, { outcome: 'success' })).json;
  const second = await newOrder(gateway, 20_000);
  const failed = (await pay(second.gatewayOrderId, { outcome: 'failure' })).json.paymentId;
  const refund = await gateway.createRefund({ paymentId, amount: INR(5_000), idempotencyKey: 'ord_contract_1:r:1' });
  await call(sandbox, 'POST', `/control/refunds/${refund.refundId}/settle`, { outcome: 'processed', webhook: 'drop' });
  // the sandbox's fixed clock: 2025-04-01T10:00Z
  const period = { from: new Date('2025-04-01T00:00:00Z'), to: new Date('2025-04-01T23:59:59Z'), count: 100, skip: 0 };
  const payments = await gateway.listPayments(period);
  t.deepEqual(
    payments.map((p) => [p.paymentId, p.status, p.amount.amount, p.refunded.amount]),
    [
      [failed, 'failed', 20_000, 0],
      [paymentId, 'captured', 30_000, 5_000],
    ],
  );
  t.is(payments[1]?.gatewayOrderId, first.gatewayOrderId);
  const refunds = await gateway.listRefunds(period);
  t.like(refunds[0], { refundId: refund.refundId, paymentId, status: 'processed', amount: INR(5_000) });
  const lines = await gateway.settlementReport({ year: 2025, month: 4, day: 1 }, { count: 100, skip: 0 });
  t.deepEqual(
    lines.map((l) => [l.type, l.entityId, l.amount.amount]),
    [
      ['payment', paymentId, 30_000],
      ['refund', refund.refundId, 5_000],
    ],
  );
  t.like(lines[1], { paymentId, gatewayOrderId: first.gatewayOrderId });
});
