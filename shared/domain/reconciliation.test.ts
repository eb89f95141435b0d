import test from 'ava';
import { money } from './money.ts';
import { applyObservation, attachGatewayOrder, newOrder } from './order.ts';
import type { Order } from './payment-types.ts';
import {
  classifyOrder,
  classifyPayment,
  classifyRefund,
  countDifference,
  csvRows,
  dayBounds,
  dayOf,
  daysBetween,
  emptyCounts,
  previousDay,
  withResult,
} from './reconciliation.ts';
import { applyRefundStatus, requestRefund } from './refund.ts';

const NOW = new Date('2026-03-01T10:00:00.000Z');
const INR = (n: number) => money(n, 'INR');

function created(): Order {
  const { order } = newOrder({ id: 'ord_a', customerId: 'c', amount: INR(49_900), gateway: 'razorpay', now: NOW });
  return attachGatewayOrder(order, { gatewayOrderId: 'order_a', keyId: 'k', checkoutUrl: null }, NOW)!;
}

function paid(paymentId = 'pay_1', amount = 49_900): Order {
  const r = applyObservation(created(), { status: 'succeeded', source: 'webhook', paymentId, paid: INR(amount) }, NOW);
  if (r.outcome !== 'changed') throw new Error(r.outcome);
  return r.order;
}

const captured = (paymentId: string, amount = 49_900) => ({
  paymentId,
  amount: INR(amount),
  status: 'captured' as const,
});

test('payment: captured there, open here → settle through the state machine', (t) => {
  const f = classifyPayment(created(), captured('pay_1'));
  t.is(f?.kind, 'captured-not-succeeded');
  t.is(f?.action, 'settle');
});

test('payment: captured and accepted here → no difference', (t) => {
  t.is(classifyPayment(paid(), captured('pay_1')), null);
});

test('payment: failed or in flight at the gateway → no difference from the payment list', (t) => {
  t.is(classifyPayment(created(), { ...captured('pay_1'), status: 'failed' }), null);
  t.is(classifyPayment(created(), { ...captured('pay_1'), status: 'in-flight' }), null);
});

test('payment: a second capture of a paid order → unaccepted capture, applied as an observation', (t) => {
  const f = classifyPayment(paid('pay_1'), captured('pay_2'));
  t.is(f?.kind, 'unaccepted-capture');
  t.is(f?.action, 'settle');
  t.is(f?.paymentId, 'pay_2');
});

test('payment: a different amount not yet seen → amount mismatch, applied (the state machine never accepts it)', (t) => {
  const f = classifyPayment(created(), captured('pay_1', 100));
  t.is(f?.kind, 'amount-mismatch');
  t.is(f?.action, 'settle');
});

test('payment: a recorded, unaccepted capture without a refund → refunded; with one → no difference', (t) => {
  const r = applyObservation(
    created(),
    { status: 'succeeded', source: 'webhook', paymentId: 'pay_1', paid: INR(100) },
    NOW,
  );
  if (r.outcome !== 'changed') throw new Error(r.outcome);
  const f = classifyPayment(r.order, captured('pay_1', 100));
  t.is(f?.kind, 'amount-mismatch');
  t.is(f?.action, 'refund');
  const asked = requestRefund(
    r.order,
    { refundId: 'rfd_pay_1', paymentId: 'pay_1', reason: 'x', trigger: 'amount-mismatch', requestedBy: 'system' },
    NOW,
  );
  if (asked.outcome !== 'changed') throw new Error(asked.outcome);
  t.is(classifyPayment(asked.order, captured('pay_1', 100)), null);
});

test('payment: an unaccepted capture whose automatic refund the bank refused → for a person, the amount held named', (t) => {
  const r = applyObservation(
    created(),
    { status: 'succeeded', source: 'webhook', paymentId: 'pay_1', paid: INR(100) },
    NOW,
  );
  if (r.outcome !== 'changed') throw new Error(r.outcome);
  const asked = requestRefund(
    r.order,
    { refundId: 'rfd_pay_1', paymentId: 'pay_1', reason: 'x', trigger: 'amount-mismatch', requestedBy: 'system' },
    NOW,
  );
  if (asked.outcome !== 'changed') throw new Error(asked.outcome);
  const refused = applyRefundStatus(asked.order, { refundId: 'rfd_pay_1', status: 'failed', source: 'webhook' }, NOW);
  if (refused.outcome !== 'changed') throw new Error(refused.outcome);
  const f = classifyPayment(refused.order, captured('pay_1', 100));
  t.like(f, { kind: 'unaccepted-capture', action: 'report', paymentId: 'pay_1' });
  t.regex(f?.detail ?? '', /failed at the bank.*₹1\.00 is still held/);
});

test('payment: a credit-failed capture whose operator refund failed, no automatic refund yet → refunded', (t) => {
  const asked = requestRefund(
    { ...paid(), flags: ['credit-failed'] },
    {
      refundId: 'rfd_op',
      paymentId: 'pay_1',
      reason: 'x',
      trigger: 'operator',
      requestedBy: 'key_1',
    },
    NOW,
  );
  if (asked.outcome !== 'changed') throw new Error(asked.outcome);
  const refused = applyRefundStatus(asked.order, { refundId: 'rfd_op', status: 'failed', source: 'webhook' }, NOW);
  if (refused.outcome !== 'changed') throw new Error(refused.outcome);
  t.like(classifyPayment(refused.order, captured('pay_1')), { kind: 'unaccepted-capture', action: 'refund' });
  t.is(classifyPayment(asked.order, captured('pay_1')), null, 'while the operator refund stands, nothing is owed');
});

test('payment: amounts that disagree on an accepted capture → for a person', (t) => {
  const f = classifyPayment(paid('pay_1'), captured('pay_1', 50_000));
  t.is(f?.kind, 'amount-mismatch');
  t.is(f?.action, 'report');
  t.is(withResult(f!, 'done').result, 'needs-person', 'a report always needs a person');
});

test('payment: captured for an order we do not know → for a person', (t) => {
  const f = classifyPayment(null, captured('pay_x'));
  t.is(f?.action, 'report');
  t.is(f?.orderId, null);
});

test('order: succeeded here, not captured there → for a person; captured → no difference', (t) => {
  t.is(
    classifyOrder(paid(), () => true),
    null,
  );
  const f = classifyOrder(paid(), () => false);
  t.is(f?.kind, 'succeeded-not-captured');
  t.is(f?.action, 'report');
  t.is(
    classifyOrder(created(), () => false),
    null,
    'an open order is not a success',
  );
});

function withRefund(status: 'pending' | 'processed' | 'failed' | null): Order {
  const asked = requestRefund(
    paid(),
    { refundId: 'rfd_op', amount: 5_000, reason: 'x', trigger: 'operator', requestedBy: 'k' },
    NOW,
  );
  if (asked.outcome !== 'changed') throw new Error(asked.outcome);
  if (status === null) return asked.order;
  const applied = applyRefundStatus(
    asked.order,
    { refundId: 'rfd_op', gatewayRefundId: 'rfnd_1', status, source: 'webhook' },
    NOW,
  );
  if (applied.outcome !== 'changed') throw new Error(applied.outcome);
  return applied.order;
}

const gatewayRefund = (status: 'pending' | 'processed' | 'failed') => ({
  refundId: 'rfnd_1',
  paymentId: 'pay_1',
  amount: INR(5_000),
  status,
  ourRefundId: 'rfd_op',
});

test('refund: processed there, pending here → settled through the refund state machine', (t) => {
  const f = classifyRefund(withRefund('pending'), gatewayRefund('processed'));
  t.is(f?.kind, 'refund-state');
  t.is(f?.action, 'settle-refund');
  t.is(f?.refundId, 'rfd_op');
  t.is(classifyRefund(withRefund(null), gatewayRefund('processed'))?.action, 'settle-refund', 'found by our id too');
});

test('refund: states agree, or still pending there → no difference', (t) => {
  t.is(classifyRefund(withRefund('processed'), gatewayRefund('processed')), null);
  t.is(classifyRefund(withRefund('pending'), gatewayRefund('pending')), null);
});

test('refund: final states that disagree → for a person', (t) => {
  const f = classifyRefund(withRefund('failed'), gatewayRefund('processed'));
  t.is(f?.action, 'report');
  t.is(classifyRefund(withRefund('processed'), gatewayRefund('pending'))?.action, 'report');
});

test('refund: one we have no record of → unknown refund, for a person', (t) => {
  t.is(classifyRefund(null, gatewayRefund('processed'))?.kind, 'unknown-refund');
  t.is(classifyRefund(paid(), { ...gatewayRefund('processed'), ourRefundId: null })?.kind, 'unknown-refund');
});

test('keys: one per kind and entity, so a repeated finding overwrites', (t) => {
  const a = withResult(classifyPayment(created(), captured('pay_1'))!, 'done');
  const b = withResult(classifyPayment(created(), captured('pay_1'))!, 'unchanged');
  t.is(a.key, b.key);
  t.is(a.key, 'captured-not-succeeded:pay_1');
});

test('counts: by kind and by result', (t) => {
  const d = withResult(classifyPayment(created(), captured('pay_1'))!, 'done');
  const counts = countDifference(countDifference(emptyCounts(), d), d);
  t.is(counts.differences['captured-not-succeeded'], 2);
  t.is(counts.results.done, 2);
  t.is(counts.results['needs-person'], 0);
});

test('business day: a calendar day in Asia/Kolkata is [18:30Z the day before, 18:30Z)', (t) => {
  const { from, to } = dayBounds('2026-03-01', 'Asia/Kolkata');
  t.is(from.toISOString(), '2026-02-28T18:30:00.000Z');
  t.is(to.toISOString(), '2026-03-01T18:30:00.000Z');
  t.is(dayOf(new Date('2026-02-28T18:30:00.000Z'), 'Asia/Kolkata'), '2026-03-01');
  t.is(dayOf(new Date('2026-02-28T18:29:59.000Z'), 'Asia/Kolkata'), '2026-02-28');
  t.is(previousDay(new Date('2026-02-28T19:00:00.000Z'), 'Asia/Kolkata'), '2026-02-28', '00:30 IST → the day before');
  const utc = dayBounds('2026-03-01', 'UTC');
  t.is(utc.from.toISOString(), '2026-03-01T00:00:00.000Z');
});

test('business day: a day across a DST change is 23 hours long', (t) => {
  const { from, to } = dayBounds('2026-03-08', 'America/New_York');
  t.is(to.getTime() - from.getTime(), 23 * 3_600_000);
});

test('days between: inclusive, across a month end', (t) => {
  t.deepEqual(daysBetween('2026-02-27', '2026-03-02'), ['2026-02-27', '2026-02-28', '2026-03-01', '2026-03-02']);
  t.deepEqual(daysBetween('2026-03-02', '2026-03-01'), []);
});

test('csv: quotes cells with commas, quotes or line breaks', (t) => {
  const d = { ...withResult(classifyPayment(created(), captured('pay_1'))!, 'done'), detail: 'a, "b"\nc' };
  t.is(csvRows([d]), `captured-not-succeeded,settle,done,ord_a,pay_1,,,"a, ""b""\nc"\r\n`);
});
