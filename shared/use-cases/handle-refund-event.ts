import type { PaymentEvent, PaymentEventType } from '../domain/events.ts';
import { refundOwedPayments } from './refund-owed-payments.ts';
import { type SubmitRefundDeps, submitRefund } from './submit-refund.ts';

/** The events `handleRefundEvent` acts on; it ignores every other (refunds' push subscription filters on these). */
export const REFUND_EVENTS = [
  'payment.late_succeeded',
  'payment.amount_mismatch',
  'payment.duplicate_captured',
  'refund.initiated',
  'refund.failed',
] as const satisfies readonly PaymentEventType[];

/**
 * Refund events go to the refunds handler: money the product must give back, and refunds to send to the gateway.
 * An event only says where to look: what is owed is read from the stored order, and what is submitted is the refund
 * recorded on it.
 */
export async function handleRefundEvent(
  event: PaymentEvent,
  deps: SubmitRefundDeps,
): Promise<'refund-requested' | 'nothing-owed' | 'submitted' | 'ignored'> {
  switch (event.type) {
    case 'payment.late_succeeded':
    case 'payment.amount_mismatch':
    case 'payment.duplicate_captured':
    // a refund the bank refused gives money back to us: an order that cannot keep it (credit failed, never accepted)
    // now owes it, unless its automatic refund was already asked (then it is a person's, see the reconciliation)
    case 'refund.failed': {
      const { requested } = await refundOwedPayments(event.orderId, deps);
      return requested > 0 ? 'refund-requested' : 'nothing-owed';
    }
    case 'refund.initiated':
      if (!event.refund) return 'ignored';
      await submitRefund(event.orderId, event.refund.id, deps);
      return 'submitted';
    case 'payment.created':
    case 'payment.processing':
    case 'payment.succeeded':
    case 'payment.failed':
    case 'payment.expired':
    case 'refund.processed':
      return 'ignored';
  }
}
