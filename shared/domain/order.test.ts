import test from 'ava';
import { money } from './money.ts';
import { applyObservation, canTransition, newOrder, type PaymentObservation } from './order.ts';
import type { Order } from './payment-types.ts';

const T0 = new Date('2026-03-01T10:00:00.000Z');
const later = (s: number) => new Date(T0.getTime() + s * 1000);
const ORDER_AMOUNT = money(49_900, 'INR');

function fresh(): Order {
  return newOrder({
    id: 'ord_00000000000000000001',
    customerId: 'c1',
    amount: ORDER_AMOUNT,
    gateway: 'razorpay',
    now: T0,
  }).order;
}

function apply(order: Order, obs: PaymentObservation, at = 1): Order {
  const r = applyObservation(order, obs, later(at));
  if (r.outcome !== 'changed') throw new Error(`expected a change, got ${r.outcome}: ${r.reason}`);
  return r.order;
}

const success = (paymentId = 'pay_1', paid = ORDER_AMOUNT): PaymentObservation => ({
  status: 'succeeded',
  source: 'webhook',
  paymentId,
  paid,
});

test('newOrder: starts created with one api timeline entry and a created event', (t) => {
  const { order, events } = newOrder({
    id: 'ord_x',
    customerId: 'c1',
    amount: ORDER_AMOUNT,
    gateway: 'razorpay',
    now: T0,
  });
  t.is(order.status, 'created');
  t.deepEqual(order.timeline, [{ at: T0.toISOString(), source: 'api', kind: 'transition', from: null, to: 'created' }]);
  t.deepEqual(
    events.map((e) => e.type),
    ['payment.created'],
  );
});

test('apply: created → processing → succeeded records each step with time and source', (t) => {
  let order = apply(fresh(), { status: 'processing', source: 'client', paymentId: 'pay_1' }, 5);
  order = apply(order, success(), 9);
  t.is(order.status, 'succeeded');
  t.is(order.paymentId, 'pay_1');
  t.deepEqual(
    order.timeline.map((e) => [e.from, e.to, e.source, e.at]),
    [
      [null, 'created', 'api', T0.toISOString()],
      ['created', 'processing', 'client', later(5).toISOString()],
      ['processing', 'succeeded', 'webhook', later(9).toISOString()],
    ],
  );
});

test('apply: the same observation twice → second is unchanged', (t) => {
  const once = apply(fresh(), success());
  const twice = applyObservation(once, success(), later(2));
  t.is(twice.outcome, 'unchanged');
});

test('apply: nothing moves back from succeeded (failed, processing, expired all refused)', (t) => {
  const done = apply(fresh(), success());
  for (const obs of [
    { status: 'failed', source: 'webhook' },
    { status: 'processing', source: 'webhook' },
    { status: 'expired', source: 'status-check' },
  ] as const) {
    t.is(applyObservation(done, obs, later(3)).outcome, 'rejected', obs.status);
  }
});

test('apply: failed → succeeded is allowed (retry in the same checkout)', (t) => {
  const failed = apply(fresh(), { status: 'failed', source: 'webhook', paymentId: 'pay_1', reason: 'BAD_REQUEST' });
  const ok = apply(failed, success('pay_2'), 3);
  t.is(ok.status, 'succeeded');
  t.is(ok.paymentId, 'pay_2');
});

test('apply: a second capture after success → recorded unaccepted as a duplicate, flagged, once per payment', (t) => {
  const done = apply(fresh(), success('pay_1'));
  const r = applyObservation(done, success('pay_2'), later(4));
  if (r.outcome !== 'changed') return t.fail();
  t.is(r.order.status, 'succeeded');
  t.is(r.order.paymentId, 'pay_1');
  t.like(r.order.captures[1], { paymentId: 'pay_2', accepted: false, cause: 'duplicate-capture' });
  t.deepEqual([...r.order.flags].sort(), ['duplicate-capture', 'refund-required']);
  t.like(r.events[0], {
    type: 'payment.duplicate_captured',
    paymentId: 'pay_2',
    id: `${done.id}:payment.duplicate_captured:pay_2`,
  });
  t.is(applyObservation(r.order, success('pay_2'), later(5)).outcome, 'unchanged');
  t.is(applyObservation(r.order, success('pay_1'), later(5)).outcome, 'unchanged');
});

test('apply: a second late capture after expiry (the first already recorded) → recorded too', (t) => {
  const expired = apply(fresh(), { status: 'expired', source: 'status-check' });
  const first = apply(expired, success('pay_1'));
  const r = applyObservation(first, success('pay_2'), later(12));
  if (r.outcome !== 'changed') return t.fail();
  t.deepEqual(
    r.order.captures.map((c) => [c.paymentId, c.accepted, c.cause]),
    [
      ['pay_1', false, 'late-success'],
      ['pay_2', false, 'late-success'],
    ],
  );
});

test('apply: success after expiry → stays expired, recorded as late success and flagged for refund', (t) => {
  const expired = apply(fresh(), { status: 'expired', source: 'status-check' });
  const r = applyObservation(expired, success(), later(10));
  if (r.outcome !== 'changed') return t.fail();
  t.is(r.order.status, 'expired');
  t.deepEqual([...r.order.flags].sort(), ['late-success', 'refund-required']);
  t.is(r.order.timeline.at(-1)?.kind, 'late-success');
  t.deepEqual(
    r.events.map((e) => e.type),
    ['payment.late_succeeded'],
  );
  t.is(applyObservation(r.order, success(), later(11)).outcome, 'unchanged');
});

test('apply: amount that differs from the order is never accepted as success', (t) => {
  const r = applyObservation(fresh(), success('pay_1', money(100, 'INR')), later(1));
  if (r.outcome !== 'changed') return t.fail();
  t.is(r.order.status, 'created');
  t.true(r.order.flags.includes('amount-mismatch'));
  t.is(r.events[0]?.type, 'payment.amount_mismatch');
  t.is(r.events[0]?.amount.amount, 100);
  t.is(applyObservation(r.order, success('pay_1', money(100, 'INR')), later(2)).outcome, 'unchanged');
});

test('apply: every change bumps the version; unchanged leaves it', (t) => {
  const o = fresh();
  const p = apply(o, { status: 'processing', source: 'client' });
  t.is(p.version, o.version + 1);
});

test('canTransition: the table is forward-only', (t) => {
  t.true(canTransition('created', 'expired'));
  t.true(canTransition('failed', 'succeeded'));
  t.false(canTransition('expired', 'succeeded'));
  t.false(canTransition('succeeded', 'failed'));
  t.false(canTransition('processing', 'created'));
});

test('events: ids are deterministic per order and type, so re-publishing is recognisable', (t) => {
  const a = applyObservation(fresh(), success(), later(1));
  const b = applyObservation(fresh(), success(), later(2));
  if (a.outcome !== 'changed' || b.outcome !== 'changed') return t.fail();
  t.is(a.events[0]?.id, b.events[0]?.id);
});
