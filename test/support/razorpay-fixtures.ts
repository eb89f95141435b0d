/*
 * Razorpay payloads for the adapter's tests, shaped after the documented samples (fields we do not read included,
 * so the loose schemas are exercised against realistic input).
 */

export function paymentEntity(overrides: Record<string, unknown> = {}) {
  return {
    id: 'pay_29QQoUBi66xm2f',
    entity: 'payment',
    amount: 49_900,
    currency: 'INR',
    status: 'captured',
    order_id: 'order_9A33XWu170gUtm',
    invoice_id: null,
    international: false,
    method: 'upi',
    amount_refunded: 0,
    refund_status: null,
    captured: true,
    description: null,
    vpa: 'success@razorpay',
    email: 'void@razorpay.com',
    contact: '+919000090000',
    notes: [],
    fee: 998,
    tax: 180,
    error_code: null,
    error_description: null,
    error_source: null,
    error_step: null,
    error_reason: null,
    acquirer_data: { rrn: '322206890934' },
    created_at: 1_700_000_000,
    ...overrides,
  };
}

export function failedPayment(overrides: Record<string, unknown> = {}) {
  return paymentEntity({
    status: 'failed',
    captured: false,
    fee: null,
    tax: null,
    error_code: 'BAD_REQUEST_ERROR',
    error_description: 'Payment was declined by the customer in the UPI app.',
    error_source: 'customer',
    error_step: 'payment_authorization',
    error_reason: 'payment_declined',
    ...overrides,
  });
}

export function orderEntity(overrides: Record<string, unknown> = {}) {
  return {
    id: 'order_9A33XWu170gUtm',
    entity: 'order',
    amount: 49_900,
    amount_paid: 0,
    amount_due: 49_900,
    currency: 'INR',
    receipt: 'ord_123',
    offer_id: null,
    status: 'created',
    attempts: 0,
    notes: [],
    created_at: 1_700_000_000,
    ...overrides,
  };
}

export function refundEntity(overrides: Record<string, unknown> = {}) {
  return {
    id: 'rfnd_FP8QHiV938haTz',
    entity: 'refund',
    amount: 49_900,
    currency: 'INR',
    payment_id: 'pay_29QQoUBi66xm2f',
    notes: [],
    receipt: null,
    acquirer_data: { arn: null },
    created_at: 1_700_000_100,
    batch_id: null,
    status: 'pending',
    speed_processed: null,
    speed_requested: 'normal',
    ...overrides,
  };
}

export function event(type: string, payload: Record<string, unknown>) {
  return {
    entity: 'event',
    account_id: 'acc_BFQ7uQEaa7j2z7',
    event: type,
    contains: Object.keys(payload),
    payload,
    created_at: 1_700_000_200,
  };
}
