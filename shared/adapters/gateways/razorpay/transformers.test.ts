import test from 'ava';
import * as v from 'valibot';
import {
  event,
  failedPayment,
  orderEntity,
  paymentEntity,
  refundEntity,
} from '../../../../test/support/razorpay-fixtures.ts';
import { AppError } from '../../../domain/errors.ts';
import {
  collapsePayments,
  describeRazorpayError,
  RzpPaymentSchema,
  RzpRefundSchema,
  toCheckoutDetails,
  toGatewayRefund,
  toGatewayWebhook,
} from './transformers.ts';

const payments = (...items: Record<string, unknown>[]) => items.map((p) => v.parse(RzpPaymentSchema, p));

test('collapsePayments: no attempts → pending', (t) => {
  t.deepEqual(collapsePayments([]), { status: 'pending' });
});

test('collapsePayments: a captured attempt among failures → succeeded with that payment and its amount', (t) => {
  const state = collapsePayments(
    payments(
      failedPayment({ id: 'pay_later0000000F', created_at: 3 }),
      paymentEntity({ id: 'pay_captured00000', amount: 12_300, created_at: 2 }),
      failedPayment({ id: 'pay_first00000000', created_at: 1 }),
    ),
  );
  t.deepEqual(state, {
    status: 'succeeded',
    paymentId: 'pay_captured00000',
    paid: { amount: 12_300, currency: 'INR' },
    captures: [{ paymentId: 'pay_captured00000', paid: { amount: 12_300, currency: 'INR' } }],
  });
});

test('collapsePayments: two captures → the earliest paid the order; both listed, oldest first', (t) => {
  const state = collapsePayments(
    payments(
      paymentEntity({ id: 'pay_second0000000', amount: 100, created_at: 5 }),
      paymentEntity({ id: 'pay_first00000000', amount: 100, created_at: 4 }),
    ),
  );
  t.like(state, { status: 'succeeded', paymentId: 'pay_first00000000' });
  t.deepEqual(state.status === 'succeeded' ? state.captures.map((c) => c.paymentId) : [], [
    'pay_first00000000',
    'pay_second0000000',
  ]);
});

test('collapsePayments: a captured-then-refunded payment still counts as succeeded', (t) => {
  const state = collapsePayments(payments(paymentEntity({ status: 'refunded', refund_status: 'full' })));
  t.is(state.status, 'succeeded');
});

test('collapsePayments: authorized, not captured → processing with that payment', (t) => {
  const state = collapsePayments(
    payments(
      failedPayment({ id: 'pay_failed0000000' }),
      paymentEntity({ id: 'pay_auth000000000', status: 'authorized', captured: false }),
    ),
  );
  t.deepEqual(state, { status: 'processing', paymentId: 'pay_auth000000000' });
});

test('collapsePayments: an attempt still created (customer mid-checkout) → processing, not failed', (t) => {
  const state = collapsePayments(
    payments(
      paymentEntity({ id: 'pay_created000000', status: 'created', captured: false, created_at: 2 }),
      failedPayment({ id: 'pay_failed0000000', created_at: 1 }),
    ),
  );
  t.deepEqual(state, { status: 'processing', paymentId: 'pay_created000000' });
});

test('collapsePayments: all failed → failed with the latest attempt and its error description (reason)', (t) => {
  const state = collapsePayments(
    payments(
      failedPayment({
        id: 'pay_newest0000000',
        created_at: 5,
        error_description: 'Bank down',
        error_reason: 'bank_technical_error',
      }),
      failedPayment({ id: 'pay_oldest0000000', created_at: 4 }),
    ),
  );
  t.deepEqual(state, { status: 'failed', paymentId: 'pay_newest0000000', reason: 'Bank down (bank_technical_error)' });
});

test('collapsePayments: same-second attempts keep Razorpay’s newest-first order', (t) => {
  const state = collapsePayments(
    payments(
      failedPayment({ id: 'pay_listedfirst00', created_at: 7 }),
      failedPayment({ id: 'pay_listedsecond0', created_at: 7 }),
    ),
  );
  t.like(state, { status: 'failed', paymentId: 'pay_listedfirst00' });
});

test('collapsePayments: failed without error fields → reason null', (t) => {
  const state = collapsePayments(payments(failedPayment({ error_description: null, error_reason: null })));
  t.like(state, { status: 'failed', reason: null });
});

test('toCheckoutDetails: checkout URL only when a base is configured', (t) => {
  const order = { id: 'order_X', entity: 'order' as const, amount: 100, currency: 'INR', status: 'created' };
  t.deepEqual(toCheckoutDetails(order, 'rzp_test_k', 'http://h/sandbox/checkout'), {
    gateway: 'razorpay',
    keyId: 'rzp_test_k',
    gatewayOrderId: 'order_X',
    checkoutUrl: 'http://h/sandbox/checkout/order_X',
  });
  t.is(toCheckoutDetails(order, 'rzp_test_k', null).checkoutUrl, null);
});

test('toGatewayRefund: an empty currency falls back; with no fallback it is an AppError', (t) => {
  const refund = v.parse(RzpRefundSchema, refundEntity({ currency: '' }));
  t.deepEqual(toGatewayRefund(refund, 'gateway-unavailable', 'INR').amount, { amount: 49_900, currency: 'INR' });
  const err = t.throws(() => toGatewayRefund(refund, 'gateway-unavailable'), { instanceOf: AppError });
  t.is(err?.type, 'gateway-unavailable');
});

test('describeRazorpayError: code, description, field and reason; tolerant of junk', (t) => {
  const body = {
    error: {
      code: 'BAD_REQUEST_ERROR',
      description: 'The amount must be at least INR 1.00',
      source: 'business',
      step: 'payment_initiation',
      reason: 'input_validation_failed',
      metadata: {},
      field: 'amount',
    },
  };
  t.is(
    describeRazorpayError(body),
    'BAD_REQUEST_ERROR: The amount must be at least INR 1.00: field amount: reason input_validation_failed',
  );
  t.is(describeRazorpayError('nope'), 'no Razorpay error body');
});

test('webhook: payment.authorized → payment processing', (t) => {
  const hook = toGatewayWebhook(
    event('payment.authorized', { payment: { entity: paymentEntity({ status: 'authorized', captured: false }) } }),
    'evt1',
  );
  t.deepEqual(hook, {
    kind: 'payment',
    eventId: 'evt1',
    eventType: 'payment.authorized',
    gatewayOrderId: 'order_9A33XWu170gUtm',
    observation: { status: 'processing', source: 'webhook', paymentId: 'pay_29QQoUBi66xm2f' },
  });
});

test('webhook: payment.captured → succeeded, paid = the payment amount and currency', (t) => {
  const hook = toGatewayWebhook(
    event('payment.captured', { payment: { entity: paymentEntity({ amount: 777 }) } }),
    'e',
  );
  t.like(hook, {
    kind: 'payment',
    gatewayOrderId: 'order_9A33XWu170gUtm',
    observation: {
      status: 'succeeded',
      source: 'webhook',
      paymentId: 'pay_29QQoUBi66xm2f',
      paid: { amount: 777, currency: 'INR' },
    },
  });
});

test('webhook: payment.failed → failed with the error as reason', (t) => {
  const hook = toGatewayWebhook(event('payment.failed', { payment: { entity: failedPayment() } }), 'e');
  t.like(hook, {
    kind: 'payment',
    observation: {
      status: 'failed',
      source: 'webhook',
      reason: 'Payment was declined by the customer in the UPI app. (payment_declined)',
    },
  });
});

test('webhook: order.paid → succeeded from payload.payment, order id from payload.order', (t) => {
  const hook = toGatewayWebhook(
    event('order.paid', {
      payment: { entity: paymentEntity() },
      order: { entity: orderEntity({ id: 'order_FromOrderEnt1', status: 'paid' }) },
    }),
    'e',
  );
  t.like(hook, {
    kind: 'payment',
    eventType: 'order.paid',
    gatewayOrderId: 'order_FromOrderEnt1',
    observation: { status: 'succeeded', paid: { amount: 49_900, currency: 'INR' } },
  });
});

test('webhook: refund.created / processed / failed → kind refund with the matching status', (t) => {
  const cases = [
    ['refund.created', 'pending'],
    ['refund.processed', 'processed'],
    ['refund.failed', 'failed'],
  ] as const;
  for (const [type, status] of cases) {
    const hook = toGatewayWebhook(
      event(type, {
        refund: { entity: refundEntity({ status, amount: 1_000 }) },
        payment: { entity: paymentEntity() },
      }),
      'e',
    );
    t.deepEqual(hook, {
      kind: 'refund',
      eventId: 'e',
      eventType: type,
      refund: {
        refundId: 'rfnd_FP8QHiV938haTz',
        paymentId: 'pay_29QQoUBi66xm2f',
        amount: { amount: 1_000, currency: 'INR' },
        status,
        notes: {},
      },
    });
  }
});

test('webhook: refund event with an empty refund currency takes the payment’s', (t) => {
  const hook = toGatewayWebhook(
    event('refund.processed', {
      refund: { entity: refundEntity({ currency: '' }) },
      payment: { entity: paymentEntity() },
    }),
    'e',
  );
  t.like(hook, { kind: 'refund', refund: { amount: { currency: 'INR' } } });
});

test('webhook: an event type we do not handle → unsupported, never an error', (t) => {
  for (const type of ['payment.dispute.created', 'subscription.charged', 'refund.speed_changed', 'payment.pending']) {
    t.deepEqual(toGatewayWebhook(event(type, { whatever: { entity: {} } }), 'e'), {
      kind: 'unsupported',
      eventId: 'e',
      eventType: type,
    });
  }
});

test('webhook: a payment without an order → unsupported (nothing of ours to update)', (t) => {
  const hook = toGatewayWebhook(
    event('payment.captured', { payment: { entity: paymentEntity({ order_id: null }) } }),
    'e',
  );
  t.is(hook.kind, 'unsupported');
});

test('webhook: handled event with a missing or malformed payload → AppError validation', (t) => {
  const bad = [
    event('payment.captured', {}),
    event('payment.captured', { payment: { entity: paymentEntity({ amount: 10.5 }) } }),
    event('payment.captured', { payment: { entity: paymentEntity({ currency: 'USD' }) } }),
    event('order.paid', { payment: { entity: paymentEntity() } }),
    event('refund.processed', { refund: { entity: refundEntity({ status: 'weird' }) } }),
    { entity: 'not-an-event', event: 'payment.captured', payload: {} },
    ['not', 'an', 'object'],
  ];
  for (const body of bad) {
    const err = t.throws(() => toGatewayWebhook(body, 'e'), { instanceOf: AppError });
    t.is(err?.type, 'validation');
  }
});
