import { createHash } from 'node:crypto';
import { AppError } from '../domain/errors.ts';
import type { Order, Refund } from '../domain/payment-types.ts';
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
  operator: { keyId: string },
  deps: CommitDeps,
): Promise<{ order: Order; refund: Refund; created: boolean }> {
  const refundId = `rfd_${createHash('sha256').update(`${orderId}\u0000${input.idempotencyKey}`).digest('hex').slice(0, 24)}`;
  const request: RefundRequest = {
    refundId,
    ...(input.amount !== undefined ? { amount: input.amount } : {}),
    reason: input.reason,
    trigger: 'operator',
    requestedBy: `operator:${operator.keyId}`,
  };
  const { order, result } = await commitExistingOrderChange(
    orderId,
    (o) => requestRefund(o, request, deps.clock.now()),
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
  deps.logger.log('INFO', 'refund requested', { orderId, refundId, amount: refund.amount.amount, by: operator.keyId });
  return { order, refund, created: result.outcome === 'changed' };
}
