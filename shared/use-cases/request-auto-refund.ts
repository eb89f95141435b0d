import type { Order, RefundTrigger } from '../domain/payment-types.ts';
import { type RefundChange, refundableAmount, requestRefund } from '../domain/refund.ts';
import { type CommitDeps, commitExistingOrderChange } from './commit-order-change.ts';

/**
 * A full refund the product owes on its own: money captured after expiry, of the wrong amount, or that could not be
 * credited. One per payment (its id is derived from the payment id), however often the triggering event arrives.
 * `also` is a change to commit with the request (a flag), in the same transaction.
 */
export async function requestAutoRefund(
  orderId: string,
  paymentId: string,
  trigger: Exclude<RefundTrigger, 'operator'>,
  deps: CommitDeps,
  also: (order: Order) => Order = (o) => o,
): Promise<Order> {
  const { order } = await commitExistingOrderChange(
    orderId,
    (current): RefundChange => {
      const base = also(current);
      const refundId = `rfd_${paymentId}`;
      const existing = base.refunds.find((r) => r.id === refundId) ?? null;
      // nothing left to give back (an operator refunded it already): only the accompanying change, if any, commits
      if (!existing && refundableAmount(base, paymentId) <= 0) {
        return base === current
          ? { outcome: 'unchanged', reason: 'nothing left to refund', refund: null }
          : { outcome: 'changed', order: { ...base, version: current.version + 1 }, events: [], refund: null };
      }
      return requestRefund(
        base,
        { refundId, paymentId, reason: autoReason(trigger), trigger, requestedBy: 'system' },
        deps.clock.now(),
      );
    },
    deps,
  );
  deps.logger.log('INFO', 'automatic refund requested', { orderId, paymentId, trigger });
  return order;
}

function autoReason(trigger: Exclude<RefundTrigger, 'operator'>): string {
  switch (trigger) {
    case 'credit-failed':
      return 'the payment could not be credited to the account';
    case 'late-success':
      return 'paid after the order expired';
    case 'amount-mismatch':
      return 'the amount paid does not match the order';
  }
}
