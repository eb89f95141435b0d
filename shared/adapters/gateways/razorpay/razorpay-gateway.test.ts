import { createHmac } from 'node:crypto';
import test, { type ExecutionContext } from 'ava';
import {
  event,
  failedPayment,
  orderEntity,
  paymentEntity,
  refundEntity,
} from '../../../../test/support/razorpay-fixtures.ts';
import { AppError } from '../../../domain/errors.ts';
import { RazorpayGateway, type RazorpayGatewayOptions, refundIdempotencyKey } from './razorpay-gateway.ts';

/* The adapter against a scripted fetch: request shapes and failure handling. The round trip against the sandbox
 * gateway lives in test/contract (a composition root may assemble an adapter with a service). */

const KEY_ID = 'rzp_test_1DP5mmOlF5G5ag';
const KEY_SECRET = 'sk_super_secret_value';
const WEBHOOK_SECRET = 'whsec_super_secret_value';
const INR = (amount: number) => ({ amount, currency: 'INR' as const });

interface Seen {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

function scripted(answer: (req: Seen) => Response | Promise<Response>) {
  const seen: Seen[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const req: Seen = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      body: init?.body ? JSON.parse(String(init.body)) : undefined,
    };
    seen.push(req);
    return answer(req);
  };
  return { fetch: fetchFn, seen };
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

function gateway(fetchFn: typeof fetch, options: Partial<RazorpayGatewayOptions> = {}) {
  return new RazorpayGateway({
    keyId: KEY_ID,
    keySecret: KEY_SECRET,
    webhookSecret: WEBHOOK_SECRET,
    baseUrl: 'https://api.razorpay.test/',
    fetch: fetchFn,
    ...options,
  });
}

/** Asserts `p` rejects with AppError('gateway-unavailable') whose message never contains a secret. */
async function rejectsUnavailable(t: ExecutionContext, p: Promise<unknown>, mentions?: RegExp): Promise<AppError> {
  const err = await t.throwsAsync(p, { instanceOf: AppError });
  if (!err) throw new Error('expected an AppError');
  t.is(err.type, 'gateway-unavailable');
  const basic = Buffer.from(`${KEY_ID}:${KEY_SECRET}`).toString('base64');
  for (const secret of [KEY_SECRET, WEBHOOK_SECRET, basic]) t.false(err.message.includes(secret), err.message);
  if (mentions) t.regex(err.message, mentions);
  return err;
}

test('constructor: a missing secret is a configuration error', (t) => {
  t.throws(() => gateway(globalThis.fetch, { keySecret: '' }), { message: /keySecret/ });
  t.throws(() => gateway(globalThis.fetch, { webhookSecret: '' }), { message: /webhookSecret/ });
});

test('createOrder: POST /v1/orders with Basic auth, amount in paise, receipt and notes → checkout details', async (t) => {
  const api = scripted(() => json(orderEntity({ id: 'order_New000000000' })));
  const details = await gateway(api.fetch, { checkoutUrlBase: 'http://localhost:8080/sandbox/checkout/' }).createOrder({
    amount: INR(49_900),
    receipt: 'ord_123',
    notes: { orderId: 'ord_123' },
  });
  t.deepEqual(details, {
    gateway: 'razorpay',
    keyId: KEY_ID,
    gatewayOrderId: 'order_New000000000',
    checkoutUrl: 'http://localhost:8080/sandbox/checkout/order_New000000000',
  });
  const [req] = api.seen;
  t.is(req?.url, 'https://api.razorpay.test/v1/orders');
  t.is(req?.method, 'POST');
  t.is(req?.headers.authorization, `Basic ${Buffer.from(`${KEY_ID}:${KEY_SECRET}`).toString('base64')}`);
  t.is(req?.headers['content-type'], 'application/json');
  t.deepEqual(req?.body, { amount: 49_900, currency: 'INR', receipt: 'ord_123', notes: { orderId: 'ord_123' } });
});

test('createOrder: no checkoutUrlBase → checkoutUrl null', async (t) => {
  const api = scripted(() => json(orderEntity()));
  const details = await gateway(api.fetch).createOrder({ amount: INR(49_900), receipt: 'r', notes: {} });
  t.is(details.checkoutUrl, null);
});

test('createOrder: an order echoed back with another amount → gateway-unavailable', async (t) => {
  const api = scripted(() => json(orderEntity({ amount: 100 })));
  await rejectsUnavailable(t, gateway(api.fetch).createOrder({ amount: INR(49_900), receipt: 'r', notes: {} }));
});

test('fetchPaymentState: GET /v1/orders/:id/payments, collapsed', async (t) => {
  const api = scripted(() =>
    json({ entity: 'collection', count: 2, items: [paymentEntity(), failedPayment({ id: 'pay_old' })] }),
  );
  const state = await gateway(api.fetch).fetchPaymentState('order_9A33XWu170gUtm');
  t.deepEqual(state, {
    status: 'succeeded',
    paymentId: 'pay_29QQoUBi66xm2f',
    paid: INR(49_900),
    captures: [{ paymentId: 'pay_29QQoUBi66xm2f', paid: INR(49_900) }],
  });
  t.is(api.seen[0]?.url, 'https://api.razorpay.test/v1/orders/order_9A33XWu170gUtm/payments');
  t.is(api.seen[0]?.method, 'GET');
});

test('fetchPaymentState: ids are URL-encoded into the path', async (t) => {
  const api = scripted(() => json({ entity: 'collection', count: 0, items: [] }));
  await gateway(api.fetch).fetchPaymentState('order_../../x?y');
  t.is(api.seen[0]?.url, 'https://api.razorpay.test/v1/orders/order_..%2F..%2Fx%3Fy/payments');
});

test('gateway down: fetch throws → gateway-unavailable, secrets scrubbed from the message', async (t) => {
  const api = scripted(() => {
    throw new TypeError(`connect ECONNREFUSED (tried with ${KEY_SECRET})`);
  });
  await rejectsUnavailable(t, gateway(api.fetch).fetchPaymentState('order_X'), /ECONNREFUSED.*\[redacted\]/);
});

test('gateway down: 500 / 503 → gateway-unavailable', async (t) => {
  for (const status of [500, 502, 503]) {
    const api = scripted(() => json({ error: { code: 'SERVER_ERROR', description: 'oops' } }, status));
    await rejectsUnavailable(t, gateway(api.fetch).fetchPaymentState('order_X'), new RegExp(String(status)));
  }
});

test('gateway down: no answer within timeoutMs → gateway-unavailable', async (t) => {
  const hanging: typeof fetch = (_input, init) =>
    new Promise((_resolve, reject) => {
      init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
    });
  await rejectsUnavailable(t, gateway(hanging, { timeoutMs: 20 }).fetchPaymentState('order_X'), /within 20 ms/);
});

test('400: Razorpay refusing the request for good → upstream-failed carrying its code and description', async (t) => {
  const api = scripted(() =>
    json(
      {
        error: {
          code: 'BAD_REQUEST_ERROR',
          description: 'The amount must be at least INR 1.00',
          source: 'business',
          step: 'payment_initiation',
          reason: 'input_validation_failed',
          metadata: {},
          field: 'amount',
        },
      },
      400,
    ),
  );
  const err = await t.throwsAsync(gateway(api.fetch).createOrder({ amount: INR(100), receipt: 'r', notes: {} }), {
    instanceOf: AppError,
  });
  t.is(err?.type, 'upstream-failed');
  t.regex(err?.message ?? '', /400.*BAD_REQUEST_ERROR.*The amount must be at least INR 1\.00.*field amount/);
  t.true(err?.message.startsWith('razorpay POST /v1/orders'));
});

test('4xx: 401 from wrong credentials → gateway-unavailable, the secret not echoed', async (t) => {
  const api = scripted(() =>
    json(
      {
        error: {
          code: 'BAD_REQUEST_ERROR',
          description: 'Authentication failed',
          source: 'NA',
          step: 'NA',
          reason: 'NA',
          metadata: {},
        },
      },
      401,
    ),
  );
  await rejectsUnavailable(t, gateway(api.fetch).fetchRefund('rfnd_X', 'pay_X'), /401.*Authentication failed/);
});

test('malformed responses: not JSON, wrong shape, float amount → gateway-unavailable, not a crash', async (t) => {
  const answers = [
    () => new Response('<html>proxy error</html>', { status: 200 }),
    () => json({ entity: 'collection', items: 'nope' }),
    () => json({ entity: 'collection', count: 1, items: [paymentEntity({ amount: 499.5 })] }),
  ];
  for (const answer of answers) {
    await rejectsUnavailable(t, gateway(scripted(answer).fetch).fetchPaymentState('order_X'), /razorpay GET/);
  }
});

test('createRefund: POST /v1/payments/:id/refund with amount, notes and X-Refund-Idempotency', async (t) => {
  const api = scripted(() => json(refundEntity({ amount: 2_500 })));
  const refund = await gateway(api.fetch).createRefund({
    paymentId: 'pay_29QQoUBi66xm2f',
    amount: INR(2_500),
    idempotencyKey: 'refund_ord_123_1',
    notes: { orderId: 'ord_123' },
  });
  t.deepEqual(refund, {
    refundId: 'rfnd_FP8QHiV938haTz',
    paymentId: 'pay_29QQoUBi66xm2f',
    amount: INR(2_500),
    status: 'pending',
    notes: {},
  });
  const [req] = api.seen;
  t.is(req?.url, 'https://api.razorpay.test/v1/payments/pay_29QQoUBi66xm2f/refund');
  t.is(req?.method, 'POST');
  t.is(req?.headers['x-refund-idempotency'], 'refund_ord_123_1');
  t.deepEqual(req?.body, { amount: 2_500, notes: { orderId: 'ord_123' } });
});

test('createRefund: a key Razorpay would refuse (short, odd characters) is sent as its stable SHA-256', async (t) => {
  t.is(refundIdempotencyKey('abcdefghij'), 'abcdefghij');
  for (const key of ['short', 'ord:123/refund:1', 'x'.repeat(65)]) {
    t.regex(refundIdempotencyKey(key), /^[0-9a-f]{64}$/);
    t.is(refundIdempotencyKey(key), refundIdempotencyKey(key));
  }
  const api = scripted(() => json(refundEntity()));
  await gateway(api.fetch).createRefund({
    paymentId: 'pay_29QQoUBi66xm2f',
    amount: INR(49_900),
    idempotencyKey: 'ord:1',
  });
  t.is(api.seen[0]?.headers['x-refund-idempotency'], refundIdempotencyKey('ord:1'));
  t.deepEqual(api.seen[0]?.body, { amount: 49_900 });
});

test('createRefund: a refund of another payment in the answer → gateway-unavailable', async (t) => {
  const api = scripted(() => json(refundEntity({ payment_id: 'pay_SomeoneElse000' })));
  await rejectsUnavailable(
    t,
    gateway(api.fetch).createRefund({
      paymentId: 'pay_29QQoUBi66xm2f',
      amount: INR(100),
      idempotencyKey: 'key-0123456789',
    }),
  );
});

test('fetchRefund: GET /v1/payments/:paymentId/refunds/:refundId', async (t) => {
  const api = scripted(() => json(refundEntity({ status: 'processed' })));
  const refund = await gateway(api.fetch).fetchRefund('rfnd_FP8QHiV938haTz', 'pay_29QQoUBi66xm2f');
  t.is(refund.status, 'processed');
  t.is(api.seen[0]?.url, 'https://api.razorpay.test/v1/payments/pay_29QQoUBi66xm2f/refunds/rfnd_FP8QHiV938haTz');
  t.is(api.seen.length, 1);
});

test('fetchRefund: an empty refund currency is completed from the payment', async (t) => {
  const api = scripted((req) =>
    req.url.includes('/refunds/') ? json(refundEntity({ currency: '' })) : json(paymentEntity()),
  );
  const refund = await gateway(api.fetch).fetchRefund('rfnd_FP8QHiV938haTz', 'pay_29QQoUBi66xm2f');
  t.deepEqual(refund.amount, INR(49_900));
  t.is(api.seen[1]?.url, 'https://api.razorpay.test/v1/payments/pay_29QQoUBi66xm2f');
});

// ---- webhooks ----

const signWebhook = (body: string, secret = WEBHOOK_SECRET) => createHmac('sha256', secret).update(body).digest('hex');
const capturedBody = JSON.stringify(event('payment.captured', { payment: { entity: paymentEntity() } }));

test('parseWebhook: good signature → mapped event with the X-Razorpay-Event-Id', (t) => {
  const hook = gateway(globalThis.fetch).parseWebhook(capturedBody, {
    'x-razorpay-signature': signWebhook(capturedBody),
    'x-razorpay-event-id': 'Gb5kMCdcAZ8jJ8',
  });
  t.like(hook, {
    kind: 'payment',
    eventId: 'Gb5kMCdcAZ8jJ8',
    eventType: 'payment.captured',
    gatewayOrderId: 'order_9A33XWu170gUtm',
    observation: { status: 'succeeded', source: 'webhook', paid: INR(49_900) },
  });
});

test('parseWebhook: header names are matched case-insensitively', (t) => {
  const hook = gateway(globalThis.fetch).parseWebhook(capturedBody, {
    'X-Razorpay-Signature': signWebhook(capturedBody),
    'X-Razorpay-Event-Id': 'Evt00000000001',
  });
  t.is(hook?.eventId, 'Evt00000000001');
});

test('parseWebhook: forged signature → null', (t) => {
  const g = gateway(globalThis.fetch);
  t.is(g.parseWebhook(capturedBody, { 'x-razorpay-signature': signWebhook(capturedBody, 'guessed') }), null);
  t.is(g.parseWebhook(capturedBody, { 'x-razorpay-signature': signWebhook(`${capturedBody}\n`) }), null);
  t.is(g.parseWebhook(capturedBody, { 'x-razorpay-signature': 'abc' }), null);
});

test('parseWebhook: missing signature header → null', (t) => {
  const g = gateway(globalThis.fetch);
  t.is(g.parseWebhook(capturedBody, {}), null);
  t.is(g.parseWebhook(capturedBody, { 'x-razorpay-signature': undefined }), null);
  t.is(g.parseWebhook(capturedBody, { 'x-razorpay-signature': '' }), null);
});

test('parseWebhook: signed with the key secret instead of the webhook secret → null', (t) => {
  const hook = gateway(globalThis.fetch).parseWebhook(capturedBody, {
    'x-razorpay-signature': signWebhook(capturedBody, KEY_SECRET),
  });
  t.is(hook, null);
});

test('parseWebhook: unsupported event type → unsupported', (t) => {
  const body = JSON.stringify(event('payment.dispute.created', { dispute: { entity: { id: 'disp_1' } } }));
  const hook = gateway(globalThis.fetch).parseWebhook(body, {
    'x-razorpay-signature': signWebhook(body),
    'x-razorpay-event-id': 'E1',
  });
  t.like(hook, { kind: 'unsupported', eventId: 'E1', eventType: 'payment.dispute.created' });
});

test('parseWebhook: during a secret rotation either the new or the previous secret verifies, any other does not', (t) => {
  const body = JSON.stringify({ ...event('payment.dispute.created', {}), created_at: 1_767_225_600 });
  const rotating = gateway(globalThis.fetch, { webhookSecret: 'whsec_new_one', previousWebhookSecret: WEBHOOK_SECRET });
  const hook = rotating.parseWebhook(body, { 'x-razorpay-signature': signWebhook(body, 'whsec_new_one') });
  t.is(hook?.createdAt, '2026-01-01T00:00:00.000Z', 'when the gateway created the event');
  t.truthy(rotating.parseWebhook(body, { 'x-razorpay-signature': signWebhook(body) }), 'the previous secret');
  t.is(rotating.parseWebhook(body, { 'x-razorpay-signature': signWebhook(body, 'whsec_other') }), null);
  t.is(
    gateway(globalThis.fetch).parseWebhook(body, { 'x-razorpay-signature': signWebhook(body, 'whsec_new_one') }),
    null,
  );
});

test('parseWebhook: signed garbage → AppError validation', (t) => {
  for (const body of ['not json', '{"entity":"event"}', '42']) {
    const err = t.throws(
      () => gateway(globalThis.fetch).parseWebhook(body, { 'x-razorpay-signature': signWebhook(body) }),
      {
        instanceOf: AppError,
      },
    );
    t.is(err?.type, 'validation', body);
  }
});

test('parseWebhook: without X-Razorpay-Event-Id the event id is a stable digest of the body', (t) => {
  const g = gateway(globalThis.fetch);
  const headers = { 'x-razorpay-signature': signWebhook(capturedBody) };
  const a = g.parseWebhook(capturedBody, headers);
  const b = g.parseWebhook(capturedBody, headers);
  t.regex(a?.eventId ?? '', /^body-sha256:[0-9a-f]{64}$/);
  t.is(a?.eventId, b?.eventId);
});

test('verifyCheckoutSignature: uses the key secret over order_id|payment_id', (t) => {
  const g = gateway(globalThis.fetch);
  const signature = createHmac('sha256', KEY_SECRET).update('order_A|pay_B').digest('hex');
  t.true(g.verifyCheckoutSignature({ gatewayOrderId: 'order_A', paymentId: 'pay_B', signature }));
  t.false(g.verifyCheckoutSignature({ gatewayOrderId: 'order_A', paymentId: 'pay_C', signature }));
});
