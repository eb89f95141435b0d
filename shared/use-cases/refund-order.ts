import { createHash } from 'node:crypto';
import { AppError } from '../domain/errors.ts';
import type { Order, Refund } from '../domain/payment-types.ts';
import { type Actor, auditEntry } from '../domain/permissions.ts';
import { type RefundRequest, requestRefund } from '../domain/refund.ts';
import { type CommitDeps, commitExistingOrderChange } from './commit-order-change.ts';

/**
 * An operator's refund, full or partial. The refund id comes from the order and the request's Idempotency-Key, so a
 * retried request is the same refund; the amount is checked against what is left in the same transaction, so
 * concurrent requests can never refund more than was paid.
 */
export async function refundOrder(
  orderId: string,
  input: { amount?: number; reason: string; idempotencyKey: string },
  actor: Actor,
  deps: CommitDeps,
): Promise<{ order: Order; refund: Refund; created: boolean }> {
  const refundId = `rfd_${createHash('sha256').update(`${orderId}\u0000${input.idempotencyKey}`).digest('hex').slice(0, 24)}`;
  const request: RefundRequest = {
    refundId,
    ...(input.amount !== undefined ? { amount: input.amount } : {}),
    reason: input.reason,
    trigger: 'operator',
    // what the customer sees: an operator refunded; which key did it is in the audit log only
    requestedBy: 'operator',
  };
  const { order, result } = await commitExistingOrderChange(
    orderId,
    (o) => {
      const change = requestRefund(o, request, deps.clock.now());
      if (change.outcome !== 'changed' || !change.refund) return change;
      const detail = { refundId, amount: change.refund.amount.amount, currency: change.refund.amount.currency };
      return {
        ...change,
        audit: [auditEntry(actor, 'refunds.create', orderId, deps.clock.now(), input.reason, detail)],
      };
    },
    deps,
  );
  const refund = result.refund;
  if (!refund) throw new AppError('invalid-state', 'nothing left to refund');
  if (
    result.outcome === 'unchanged' &&
    (refund.amount.amount !== (input.amount ?? refund.amount.amount) || refund.reason !== input.reason)
  ) {
    throw new AppError('idempotency-conflict', 'this Idempotency-Key was used for a different refund');
  }
  deps.logger.log('INFO', 'refund requested', { orderId, refundId, amount: refund.amount.amount, by: actor.keyId });
  return { order, refund, created: result.outcome === 'changed' };
}
