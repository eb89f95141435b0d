import test from 'ava';
import { embeddedHarness } from '../../test/e2e/embedded-harness.ts';
import { client, pay } from '../../test/e2e/harness.ts';

const BAD_CREATES: [string, string | undefined, string, number, string][] = [
  ['malformed JSON', 'k1', '{"amount": 100,', 400, 'malformed-json'],
  ['negative amount', 'k2', JSON.stringify({ amount: -500, currency: 'INR' }), 400, 'validation'],
  ['fractional amount', 'k3', JSON.stringify({ amount: 499.5, currency: 'INR' }), 400, 'validation'],
  ['amount as a string', 'k4', JSON.stringify({ amount: '49900', currency: 'INR' }), 400, 'validation'],
  ['unknown currency', 'k5', JSON.stringify({ amount: 49_900, currency: 'XYZ' }), 400, 'validation'],
  ['unknown field', 'k6', JSON.stringify({ amount: 49_900, currency: 'INR', tip: 5 }), 400, 'validation'],
  ['missing Idempotency-Key', undefined, JSON.stringify({ amount: 49_900, currency: 'INR' }), 400, 'validation'],
  ['array body', 'k7', '[]', 400, 'validation'],
  [
    'too many notes',
    'k8',
    JSON.stringify({
      amount: 49_900,
      currency: 'INR',
      notes: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, 'v'])),
    }),
    400,
    'validation',
  ],
];

for (const [why, key, body, status, type] of BAD_CREATES) {
  test(`create order: ${why} → ${status} ${type}, nothing written`, async (t) => {
    const h = await embeddedHarness();
    const c = await client(h);
    const res = await c.call('POST', '/v1/orders', body, key ? { 'idempotency-key': key } : {});
    t.is(res.status, status);
    t.regex(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
    const problem = (await res.json()) as { type: string; status: number; title: string; detail: string };
    t.is(problem.type, `https://errors.payments.dev/${type}`);
    t.is(problem.status, status);
    t.truthy(problem.detail);
    t.is(h.stack.queue.pending().length, 0, 'no task scheduled');
    t.is((await c.json('GET', '/v1/orders')).items.length, 0, 'no order written');
    await h.close();
  });
}

test('create order: invalid fields are listed by path', async (t) => {
  const h = await embeddedHarness();
  const c = await client(h);
  const res = await c.call('POST', '/v1/orders', { amount: 1.5, currency: 'USD' }, { 'idempotency-key': 'x' });
  const problem = (await res.json()) as { errors: { path: string }[] };
  t.deepEqual([...new Set(problem.errors.map((e) => e.path))].sort(), ['amount', 'currency']);
  await h.close();
});

test('create order: oversized body → 413, nothing written, service keeps serving', async (t) => {
  const h = await embeddedHarness({ bodyLimitBytes: 2048 });
  const c = await client(h);
  const big = JSON.stringify({ amount: 49_900, currency: 'INR', description: 'x'.repeat(5000) });
  const res = await c.call('POST', '/v1/orders', big, { 'idempotency-key': 'big' });
  t.is(res.status, 413);
  t.is((await c.json('GET', '/v1/orders')).items.length, 0);
  const ok = await c.call('POST', '/v1/orders', { amount: 49_900, currency: 'INR' }, { 'idempotency-key': 'small' });
  t.is(ok.status, 201);
  await h.close();
});

test('create order: text/plain body → 415', async (t) => {
  const h = await embeddedHarness();
  const c = await client(h);
  const res = await c.call('POST', '/v1/orders', undefined, { 'idempotency-key': 'p', 'content-type': 'text/plain' });
  t.is(res.status, 415);
  await h.close();
});

test('create order: 201 with the order, its created timeline entry and the checkout data', async (t) => {
  const h = await embeddedHarness();
  const c = await client(h);
  const res = await c.call(
    'POST',
    '/v1/orders',
    { amount: 49_900, currency: 'INR', notes: { plan: 'pro' } },
    { 'idempotency-key': 'a' },
  );
  t.is(res.status, 201);
  const body = (await res.json()) as any;
  t.regex(body.id, /^ord_[A-Za-z0-9]{20}$/);
  t.deepEqual(body.amount, { amount: 49_900, currency: 'INR' });
  t.is(body.status, 'created');
  t.is(body.timeline[0].source, 'api');
  t.is(body.checkout.gateway, 'razorpay');
  t.is(body.checkout.keyId, h.razorpay.keyId);
  t.regex(body.checkout.gatewayOrderId, /^order_[A-Za-z0-9]{14}$/);
  t.is(body.checkout.checkoutUrl, `http://payments.test/sandbox/checkout/${body.checkout.gatewayOrderId}`);
  t.is(body.customerId, undefined);
  await h.close();
});

test('history: newest first, filter by status and date, cursor pages without gaps or repeats', async (t) => {
  const h = await embeddedHarness();
  const c = await client(h);
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    ids.push((await c.createOrder(10_000 + i, `h${i}`)).id);
    h.clock.advance(60_000);
  }
  const page1 = await c.json('GET', '/v1/orders?limit=2');
  const page2 = await c.json('GET', `/v1/orders?limit=2&cursor=${page1.nextCursor}`);
  const page3 = await c.json('GET', `/v1/orders?limit=2&cursor=${page2.nextCursor}`);
  t.deepEqual(
    [...page1.items, ...page2.items, ...page3.items].map((o: any) => o.id),
    [...ids].reverse(),
  );
  t.is(page3.nextCursor, null);
  t.is((await c.json('GET', '/v1/orders?status=succeeded')).items.length, 0);
  t.is((await c.json('GET', '/v1/orders?status=created')).items.length, 5);
  const from = new Date(Date.parse('2026-03-01T10:00:00.000Z') + 60_000).toISOString();
  const to = new Date(Date.parse('2026-03-01T10:00:00.000Z') + 180_000).toISOString();
  const ranged = await c.json('GET', `/v1/orders?from=${from}&to=${to}`);
  t.deepEqual(
    ranged.items.map((o: any) => o.id),
    [ids[2], ids[1]],
  );
  await h.close();
});

test('history: a forged cursor or bad status → 400', async (t) => {
  const h = await embeddedHarness();
  const c = await client(h);
  t.is((await c.call('GET', '/v1/orders?cursor=garbage!')).status, 400);
  t.is((await c.call('GET', '/v1/orders?status=paid')).status, 400);
  t.is((await c.call('GET', '/v1/orders?limit=1000')).status, 400);
  await h.close();
});

test('unknown route → JSON 404 problem', async (t) => {
  const h = await embeddedHarness();
  const res = await h.fetch('/nope');
  t.is(res.status, 404);
  t.regex(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
  const c = await client(h);
  t.is((await c.call('GET', '/v1/orders/not-an-id')).status, 404);
  await h.close();
});

test('dev token: a bad customer id → 400', async (t) => {
  const h = await embeddedHarness();
  t.is((await h.fetch('/dev/token?customerId=%3Cscript%3E')).status, 400);
  await h.close();
});

test('logs: structured, and no token, signature or secret ever appears in them', async (t) => {
  const h = await embeddedHarness();
  const c = await client(h);
  const order = await c.createOrder();
  const tokenRes = await h.fetch(`/dev/token?customerId=${c.customerId}`);
  const { token } = (await tokenRes.json()) as { token: string };
  const payRes = await h.fetch(`/sandbox/control/orders/${order.checkout.gatewayOrderId}/pay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ outcome: 'success', webhook: 'deliver' }),
  });
  const { signature, paymentId } = (await payRes.json()) as { signature: string; paymentId: string };
  await c.call('POST', `/v1/orders/${order.id}/confirm`, { paymentId, signature });
  await h.settle();
  const all = JSON.stringify(h.logger.lines);
  t.true(h.logger.lines.length > 0);
  t.true(h.logger.lines.every((l) => typeof l.severity === 'string' && typeof l.message === 'string'));
  for (const secret of [token, signature, h.razorpay.keySecret, h.razorpay.webhookSecret]) {
    t.false(all.includes(secret));
  }
  await h.close();
});

test('confirm after the webhook already settled it → 202 succeeded; the refused step is logged at INFO, never WARNING', async (t) => {
  const h = await embeddedHarness();
  const c = await client(h);
  const order = await c.createOrder();
  const paid = await pay(h, order.checkout.gatewayOrderId);
  await h.settle();
  const res = await c.call('POST', `/v1/orders/${order.id}/confirm`, {
    razorpay_order_id: order.checkout.gatewayOrderId,
    razorpay_payment_id: paid.paymentId,
    razorpay_signature: paid.signature,
  });
  t.is(res.status, 202);
  t.like(await res.json(), { status: 'succeeded' });
  const refused = h.logger.lines.filter((l) => l.message.startsWith('transition refused'));
  t.true(refused.length > 0);
  t.deepEqual([...new Set(refused.map((l) => l.severity))], ['INFO']);
  await h.close();
});

test('errors: one plain message per invalid field, by path; a missing header is `header: Idempotency-Key`', async (t) => {
  const h = await embeddedHarness();
  const c = await client(h);
  const noKey = await c.call('POST', '/v1/orders', { amount: 49_900, currency: 'INR' });
  t.is(noKey.status, 400);
  const missing = (await noKey.json()) as { detail: string; errors: { path: string; message: string }[] };
  t.is(missing.errors.length, 1);
  t.like(missing.errors[0], { path: 'header: Idempotency-Key' });
  t.regex(missing.errors[0]!.message, /^is required/);

  const res = await c.call('POST', '/v1/orders', { amount: 1.5, currency: 'USD', tip: 5 }, { 'idempotency-key': 'k' });
  const problem = (await res.json()) as { detail: string; errors: { path: string; message: string }[] };
  t.deepEqual(problem.errors, [
    { path: 'amount', message: 'must be a whole number of paise' },
    { path: 'currency', message: 'must be one of INR' },
    { path: 'tip', message: 'is not a field of this request; remove it' },
  ]);
  t.notRegex(problem.detail, /Expected|never|received/);

  const query = (await (await c.call('GET', '/v1/orders?limit=abc&from=yesterday')).json()) as {
    errors: { path: string }[];
  };
  t.deepEqual(query.errors.map((e) => e.path).sort(), ['query: from', 'query: limit']);
  await h.close();
});
