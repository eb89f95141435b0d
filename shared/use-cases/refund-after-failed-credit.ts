import { AppError } from '../domain/errors.ts';
import { withFlags } from '../domain/order.ts';
import type { Order } from '../domain/payment-types.ts';
import type { CommitDeps } from './commit-order-change.ts';
import { requestAutoRefund } from './request-auto-refund.ts';

/** The permanent failure of post-payment processing: flag the order and refund the accepted payment in full. */
export function refundAfterFailedCredit(order: Order, deps: CommitDeps): Promise<Order> {
  const accepted = order.captures.find((c) => c.accepted);
  if (!accepted) throw new AppError('invalid-state', 'no accepted payment to refund');
  return requestAutoRefund(order.id, accepted.paymentId, 'credit-failed', deps, (o) =>
    o.flags.includes('credit-failed') ? o : { ...o, flags: withFlags(o.flags, 'credit-failed', 'refund-required') },
  );
}
