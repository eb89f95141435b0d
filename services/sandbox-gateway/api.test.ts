import test from 'ava';
import { basicAuth, call, createOrder, KEY_SECRET, makeSandbox, NOW_SECONDS } from '../../test/support/sandbox.ts';

const ERROR_KEYS = ['code', 'description', 'metadata', 'reason', 'source', 'step'];

test('auth: no Authorization header → 401 in Razorpay error shape', async (t) => {
  const { sandbox } = makeSandbox();
  const res = await call(sandbox, 'GET', '/v1/orders/order_T0000000000001', undefined, { Authorization: '' });
  t.is(res.status, 401);
  t.deepEqual(res.json, {
    error: {
      code: 'BAD_REQUEST_ERROR',
      description: 'Authentication failed',
      source: 'NA',
      step: 'NA',
      reason: 'NA',
      metadata: {},
    },
  });
});

test('auth: wrong secret, wrong key id or a misspelt scheme → 401', async (t) => {
  const { sandbox } = makeSandbox();
  for (const header of [
    basicAuth(undefined, 'wrong'),
    basicAuth('rzp_test_other', KEY_SECRET),
    basicAuth().replace('Basic', 'basic'),
    'Basic !!!not-base64',
  ]) {
    const res = await call(sandbox, 'POST', '/v1/orders', { amount: 100, currency: 'INR' }, { Authorization: header });
    t.is(res.status, 401, header);
  }
});

test('orders: create → Razorpay order entity; fetch returns it', async (t) => {
  const { sandbox } = makeSandbox();
  const created = await call(sandbox, 'POST', '/v1/orders', {
    amount: 49_900,
    currency: 'INR',
    receipt: 'ord_123',
    notes: { orderId: 'ord_123' },
  });
  t.is(created.status, 200);
  t.deepEqual(created.json, {
    id: 'order_T0000000000001',
    entity: 'order',
    amount: 49_900,
    amount_paid: 0,
    amount_due: 49_900,
    currency: 'INR',
    receipt: 'ord_123',
    offer_id: null,
    status: 'created',
    attempts: 0,
    notes: { orderId: 'ord_123' },
    created_at: NOW_SECONDS,
  });
  const fetched = await call(sandbox, 'GET', '/v1/orders/order_T0000000000001');
  t.deepEqual(fetched.json, created.json);
});

test('orders: empty notes come back as [] like Razorpay does', async (t) => {
  const { sandbox } = makeSandbox();
  const created = await call(sandbox, 'POST', '/v1/orders', { amount: 100, currency: 'INR' });
  t.deepEqual(created.json.notes, []);
  t.is(created.json.receipt, null);
});

test('orders: ids are order_ + 14 alphanumerics with the default generator', async (t) => {
  const { sandbox } = makeSandbox({ ids: undefined });
  const order = await createOrder(sandbox);
  t.regex(order.id, /^order_[A-Za-z0-9]{14}$/);
});

test('orders: invalid input → 400 BAD_REQUEST_ERROR naming the field', async (t) => {
  const { sandbox } = makeSandbox();
  const cases: [unknown, string, string][] = [
    [{ amount: 99, currency: 'INR' }, 'amount', 'The amount must be at least INR 1.00'],
    [{ amount: 100.5, currency: 'INR' }, 'amount', 'The amount must be an integer.'],
    [{ amount: '100', currency: 'INR' }, 'amount', 'The amount must be an integer.'],
    [{ currency: 'INR' }, 'amount', 'The amount field is required.'],
    [{ amount: 100, currency: 'USD' }, 'currency', 'Currency is not supported'],
    [{ amount: 100 }, 'currency', 'The currency field is required.'],
    [
      { amount: 100, currency: 'INR', receipt: 'r'.repeat(41) },
      'receipt',
      'The receipt may not be greater than 40 characters.',
    ],
    [{ amount: 100, currency: 'INR', surprise: 1 }, 'surprise', 'surprise is/are not required and should not be sent'],
    [{ amount: 100, currency: 'INR', notes: { a: 1 } }, 'notes.a', 'Notes values must be strings'],
  ];
  for (const [body, field, description] of cases) {
    const res = await call(sandbox, 'POST', '/v1/orders', body);
    t.is(res.status, 400, JSON.stringify(body));
    t.like(res.json.error, { code: 'BAD_REQUEST_ERROR', field, description, reason: 'input_validation_failed' });
    t.deepEqual(Object.keys(res.json.error).sort(), [...ERROR_KEYS, 'field'].sort());
  }
});

test('orders: malformed JSON or a non-object body → 400 BAD_REQUEST_ERROR, never 500', async (t) => {
  const { sandbox } = makeSandbox();
  for (const body of ['{"amount":', '[1,2]', '"text"', 'null']) {
    const res = await call(sandbox, 'POST', '/v1/orders', body);
    t.is(res.status, 400, body);
    t.is(res.json.error.code, 'BAD_REQUEST_ERROR');
  }
});

test('orders: unknown id → 400 "The id provided does not exist" (as Razorpay answers)', async (t) => {
  const { sandbox } = makeSandbox();
  for (const path of ['/v1/orders/order_nope', '/v1/orders/order_nope/payments', '/v1/payments/pay_nope']) {
    const res = await call(sandbox, 'GET', path);
    t.is(res.status, 400, path);
    t.is(res.json.error.description, 'The id provided does not exist');
  }
});

test('orders: payments of an order → collection, newest first', async (t) => {
  const { sandbox } = makeSandbox();
  const order = await createOrder(sandbox);
  const empty = await call(sandbox, 'GET', `/v1/orders/${order.id}/payments`);
  t.deepEqual(empty.json, { entity: 'collection', count: 0, items: [] });
  await call(sandbox, 'POST', `/control/orders/${order.id}/pay`, { outcome: 'failure', webhook: 'drop' });
  await call(sandbox, 'POST', `/control/orders/${order.id}/pay`, { outcome: 'success', webhook: 'drop' });
  const listed = await call(sandbox, 'GET', `/v1/orders/${order.id}/payments`);
  t.is(listed.json.entity, 'collection');
  t.is(listed.json.count, 2);
  t.deepEqual(
    listed.json.items.map((p: { status: string }) => p.status),
    ['captured', 'failed'],
  );
});

test('routes: unknown path → 404 in Razorpay error shape', async (t) => {
  const { sandbox } = makeSandbox();
  for (const path of ['/nope', '/v1/nope', '/control/nope']) {
    const res = await call(sandbox, 'GET', path);
    t.is(res.status, 404, path);
    t.is(res.json.error.code, 'BAD_REQUEST_ERROR');
    t.is(res.json.error.description, 'The requested URL was not found on the server.');
  }
});
