import { serve } from '@hono/node-server';
import test from 'ava';
import Razorpay from 'razorpay';
import { call, KEY_ID, KEY_SECRET, makeSandbox, NOW_SECONDS } from '../../test/support/sandbox.ts';

/**
 * Razorpay's own Node SDK against the sandbox over HTTP: only its base URL is pointed here (the SDK has no option for
 * it; its axios instance is what it sends through). Whatever the SDK sends, the sandbox must understand as Razorpay does.
 */
async function sdkAgainstSandbox() {
  const { sandbox } = makeSandbox();
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: sandbox.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const rzp = new Razorpay({ key_id: KEY_ID, key_secret: KEY_SECRET });
  // reaching the SDK's private axios instance to change its host only
  (rzp as any).api.rq.defaults.baseURL = `http://127.0.0.1:${port}`;
  return { sandbox, rzp, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

test('razorpay SDK: orders.create, orders.fetchPayments, payments.fetch and payments.refund work unchanged', async (t) => {
  const { sandbox, rzp, close } = await sdkAgainstSandbox();
  const order = await rzp.orders.create({ amount: 49_900, currency: 'INR', receipt: 'r-1' });
  t.like(order, { entity: 'order', amount: 49_900, status: 'created' });
  const paid = await call(sandbox, 'POST', `/control/orders/${order.id}/pay`, { outcome: 'success', webhook: 'drop' });
  const payments = await rzp.orders.fetchPayments(order.id);
  t.is(payments.count, 1);
  t.like(await rzp.payments.fetch(paid.json.paymentId), { status: 'captured', amount: 49_900 });
  const refund = await rzp.payments.refund(paid.json.paymentId, { amount: 10_000 });
  t.like(refund, { entity: 'refund', amount: 10_000, status: 'pending' });
  await close();
});

test('razorpay SDK: payments.all and refunds.all page by from/to/count/skip, newest first', async (t) => {
  const { sandbox, rzp, close } = await sdkAgainstSandbox();
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const order = await rzp.orders.create({ amount: 10_000 + i * 100, currency: 'INR' });
    const paid = await call(sandbox, 'POST', `/control/orders/${order.id}/pay`, {
      outcome: 'success',
      webhook: 'drop',
    });
    ids.push(paid.json.paymentId);
  }
  const all = await rzp.payments.all({ from: NOW_SECONDS - 10, to: NOW_SECONDS + 10, count: 2 });
  t.is(all.count, 2);
  t.deepEqual(
    all.items.map((p: { id: string }) => p.id),
    [ids[2], ids[1]],
  );
  const rest = await rzp.payments.all({ from: NOW_SECONDS - 10, to: NOW_SECONDS + 10, count: 2, skip: 2 });
  t.deepEqual(
    rest.items.map((p: { id: string }) => p.id),
    [ids[0]],
  );
  t.is((await rzp.payments.all({ from: NOW_SECONDS + 100, to: NOW_SECONDS + 200 })).count, 0);
  await rzp.payments.refund(ids[0]!, {});
  const refunds = await rzp.refunds.all({ from: NOW_SECONDS - 10, to: NOW_SECONDS + 10 });
  t.is(refunds.count, 1);
  t.like(refunds.items[0], { payment_id: ids[0], amount: 10_000 });
  await close();
});

test('razorpay SDK: settlements.reports lists the day’s captures (credit less fee) and processed refunds', async (t) => {
  const { sandbox, rzp, close } = await sdkAgainstSandbox();
  const order = await rzp.orders.create({ amount: 50_000, currency: 'INR' });
  const paid = await call(sandbox, 'POST', `/control/orders/${order.id}/pay`, { outcome: 'success', webhook: 'drop' });
  const refund = await rzp.payments.refund(paid.json.paymentId, { amount: 5_000 });
  await call(sandbox, 'POST', `/control/refunds/${refund.id}/settle`, { outcome: 'processed', webhook: 'drop' });
  // NOW is 2025-04-01T10:00Z, i.e. 15:30 on 1 April in India
  // the SDK's typings call the answer one recon line; the API (and the SDK at run time) returns a collection
  const reports = (q: { year: number; month: number; day: number }) =>
    rzp.settlements.reports(q) as unknown as Promise<{ count: number; items: Record<string, unknown>[] }>;
  const recon = await reports({ year: 2025, month: 4, day: 1 });
  t.is(recon.count, 2);
  t.like(recon.items[0], { entity_id: paid.json.paymentId, type: 'payment', amount: 50_000, credit: 49_000, debit: 0 });
  t.like(recon.items[1], { entity_id: refund.id, type: 'refund', debit: 5_000, payment_id: paid.json.paymentId });
  t.is((await reports({ year: 2025, month: 4, day: 2 })).count, 0);
  await close();
});

test('razorpay SDK: a second payment on a paid order is captured too, as Razorpay can', async (t) => {
  const { sandbox, rzp, close } = await sdkAgainstSandbox();
  const order = await rzp.orders.create({ amount: 20_000, currency: 'INR' });
  await call(sandbox, 'POST', `/control/orders/${order.id}/pay`, { outcome: 'success', webhook: 'drop' });
  const second = await call(sandbox, 'POST', `/control/orders/${order.id}/pay`, {
    outcome: 'success',
    webhook: 'drop',
  });
  t.is(second.status, 200);
  const payments = await rzp.orders.fetchPayments(order.id);
  t.deepEqual(
    payments.items.map((p: { status: string }) => p.status),
    ['captured', 'captured'],
  );
  t.like(await rzp.orders.fetch(order.id), { status: 'paid', amount_paid: 40_000 });
  await close();
});

test('list APIs: bad count or an unknown filter → 400 BAD_REQUEST_ERROR', async (t) => {
  const { sandbox } = makeSandbox();
  t.is((await call(sandbox, 'GET', '/v1/payments?count=500')).status, 400);
  t.is((await call(sandbox, 'GET', '/v1/payments?color=red')).status, 400);
  t.is((await call(sandbox, 'GET', '/v1/settlements/recon/combined?year=2025')).status, 400);
});
