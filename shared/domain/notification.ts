import type { PaymentEvent, PaymentEventType } from './events.ts';
import { formatMoney } from './money.ts';
import type { ReconciliationSummary } from './reconciliation.ts';

/** The steps a customer is told about. One notification per step per order. */
export const NOTIFICATION_STEPS = [
  'created',
  'processing',
  'succeeded',
  'failed',
  'expired',
  'late-success',
  'amount-mismatch',
  'duplicate-capture',
  'refund-initiated',
  'refunded',
  'refund-failed',
] as const;
export type NotificationStep = (typeof NOTIFICATION_STEPS)[number];

export interface Notification {
  /**
   * `${orderId}:${step}` (refund steps: `${orderId}:${step}:${refundId}`): the id itself makes a second notification
   * for the same step impossible.
   */
  readonly id: string;
  readonly customerId: string;
  readonly orderId: string;
  readonly step: NotificationStep;
  readonly message: string;
  readonly eventId: string;
  readonly createdAt: string;
}

/**
 * What goes out through the notification channels: a customer's notification, or a reconciliation run's summary for
 * finance. Both carry an `id` that makes a repeat of the same one recognisable.
 */
export type Notice = Notification | ReconciliationSummary;

/** Whether a notice is a reconciliation summary (customer notifications have a `step`, summaries a `type`). */
export function isReconciliationSummary(notice: Notice): notice is ReconciliationSummary {
  return 'type' in notice && notice.type === 'reconciliation.completed';
}

function stepFor(type: PaymentEventType): NotificationStep {
  switch (type) {
    case 'payment.created':
      return 'created';
    case 'payment.processing':
      return 'processing';
    case 'payment.succeeded':
      return 'succeeded';
    case 'payment.failed':
      return 'failed';
    case 'payment.expired':
      return 'expired';
    case 'payment.late_succeeded':
      return 'late-success';
    case 'payment.amount_mismatch':
      return 'amount-mismatch';
    case 'payment.duplicate_captured':
      return 'duplicate-capture';
    case 'refund.initiated':
      return 'refund-initiated';
    case 'refund.processed':
      return 'refunded';
    case 'refund.failed':
      return 'refund-failed';
  }
}

function messageFor(step: NotificationStep, amount: string): string {
  switch (step) {
    case 'created':
      return `Your payment of ${amount} has been started.`;
    case 'processing':
      return `Your payment of ${amount} is processing.`;
    case 'succeeded':
      return `Your payment of ${amount} was successful.`;
    case 'failed':
      return `Your payment of ${amount} failed. No money was taken; you can try again.`;
    case 'expired':
      return `Your payment of ${amount} was not completed in time and has expired.`;
    case 'late-success':
      return `We received ${amount} after your order expired; it will be refunded.`;
    case 'amount-mismatch':
      return `We received ${amount}, which does not match your order; it will be refunded.`;
    case 'duplicate-capture':
      return `We received a second payment of ${amount} for an order you had already paid; it will be refunded.`;
    case 'refund-initiated':
      return `A refund of ${amount} has been initiated.`;
    case 'refunded':
      return `Your refund of ${amount} has been processed.`;
    case 'refund-failed':
      return `Your refund of ${amount} could not be processed; we are on it.`;
  }
}

/** Steps that can happen once per payment of an order (each unaccepted capture is told of, and refunded, on its own). */
const PER_PAYMENT: readonly NotificationStep[] = ['late-success', 'amount-mismatch', 'duplicate-capture'];

export function notificationFor(event: PaymentEvent, now: Date): Notification {
  const step = stepFor(event.type);
  const refund = event.refund ?? null;
  const qualifier = refund ? refund.id : PER_PAYMENT.includes(step) && event.paymentId ? event.paymentId : null;
  return {
    id: qualifier ? `${event.orderId}:${step}:${qualifier}` : `${event.orderId}:${step}`,
    customerId: event.customerId,
    orderId: event.orderId,
    step,
    message: messageFor(step, formatMoney(refund ? refund.amount : event.amount)),
    eventId: event.id,
    createdAt: now.toISOString(),
  };
}
