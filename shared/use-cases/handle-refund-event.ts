import type { PaymentEvent } from '../domain/events.ts';
import { requestAutoRefund } from './request-auto-refund.ts';
import { type SubmitRefundDeps, submitRefund } from './submit-refund.ts';

/** Refund events go to the refunds handler: money the product must give back, and refunds to send to the gateway. */
export async function handleRefundEvent(
  event: PaymentEvent,
  deps: SubmitRefundDeps,
): Promise<'refund-requested' | 'submitted' | 'ignored'> {
  switch (event.type) {
    case 'payment.late_succeeded':
    case 'payment.amount_mismatch': {
      if (!event.paymentId) return 'ignored';
      const trigger = event.type === 'payment.late_succeeded' ? 'late-success' : 'amount-mismatch';
      await requestAutoRefund(event.orderId, event.paymentId, trigger, deps);
      return 'refund-requested';
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
    case 'refund.failed':
      return 'ignored';
  }
}
