import type { Order } from '../domain/payment-types.ts';
import { type RefundChange, requestOwedRefunds } from '../domain/refund.ts';
import { type CommitDeps, commitExistingOrderChange } from './commit-order-change.ts';

/**
 * Asks every refund the order owes on its own (captures never accepted; the accepted one when crediting failed),
 * deciding from the order as stored, inside the transaction that records the refunds. Whatever woke the caller (an
 * event saying "amount mismatch", a duplicate delivery) is never trusted: an order that owes nothing refunds nothing.
 * Each refund's id comes from its payment, so however often this runs, a payment is refunded once. `also` is a change
 * committed with it (a flag), in the same transaction.
 */
export async function refundOwedPayments(
  orderId: string,
  deps: CommitDeps,
  also: (order: Order) => Order = (o) => o,
): Promise<{ order: Order; requested: number }> {
  const { order, result } = await commitExistingOrderChange(
    orderId,
    (current): RefundChange => {
      const base = also(current);
      const change = requestOwedRefunds(base, deps.clock.now());
      if (change.outcome === 'unchanged' && base !== current) {
        return { outcome: 'changed', order: { ...base, version: current.version + 1 }, events: [], refund: null };
      }
      return change;
    },
    deps,
  );
  const requested = result.outcome === 'changed' ? result.events.length : 0;
  if (requested > 0) deps.logger.log('INFO', 'automatic refunds requested', { orderId, requested });
  return { order, requested };
}
