import { AppError } from '../domain/errors.ts';
import { withFlags } from '../domain/order.ts';
import type { Order } from '../domain/payment-types.ts';
import type { CommitDeps } from './commit-order-change.ts';
import { refundOwedPayments } from './refund-owed-payments.ts';

/** The permanent failure of post-payment processing: flag the order, which then owes the accepted payment back. */
export async function refundAfterFailedCredit(order: Order, deps: CommitDeps): Promise<Order> {
  if (!order.captures.some((c) => c.accepted)) throw new AppError('invalid-state', 'no accepted payment to refund');
  const done = await refundOwedPayments(order.id, deps, (o) =>
    o.flags.includes('credit-failed') ? o : { ...o, flags: withFlags(o.flags, 'credit-failed', 'refund-required') },
  );
  return done.order;
}
