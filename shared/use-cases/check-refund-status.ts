import type { Refund } from '../domain/payment-types.ts';
import { applyRefundStatus, isRefundFinal } from '../domain/refund.ts';
import { commitExistingOrderChange } from './commit-order-change.ts';
import { type RefundCheckTask, scheduleRefundCheck } from './schedule-refund-check.ts';
import { type SubmitRefundDeps, submitRefund } from './submit-refund.ts';

export type { RefundCheckTask } from './schedule-refund-check.ts';

/** The refund's status check: asks the gateway until the refund is processed or failed, so a lost webhook is caught. */
export async function checkRefundStatus(task: RefundCheckTask, deps: SubmitRefundDeps): Promise<Refund | null> {
  const order = await deps.orders.get(task.orderId);
  let refund = order?.refunds.find((r) => r.id === task.refundId) ?? null;
  if (!order || !refund) return null;
  if (isRefundFinal(refund.status)) return refund;
  if (refund.status === 'requested') {
    // not at the gateway yet (its submission is being retried): submitting is idempotent by refund id
    refund = (await submitRefund(order.id, refund.id, deps)) ?? refund;
  } else if (refund.gatewayRefundId) {
    const seen = await deps.gateway.fetchRefund(refund.gatewayRefundId, refund.paymentId);
    if (seen.status !== 'pending') {
      const { result } = await commitExistingOrderChange(
        order.id,
        (o) =>
          applyRefundStatus(
            o,
            { refundId: task.refundId, status: seen.status, source: 'status-check' },
            deps.clock.now(),
          ),
        deps,
      );
      refund = result.refund ?? refund;
    }
  }
  if (!isRefundFinal(refund.status)) await scheduleRefundCheck({ ...task, check: task.check + 1 }, deps);
  return refund;
}
