import { AppError } from '../domain/errors.ts';
import type { Refund } from '../domain/payment-types.ts';
import { applyRefundStatus } from '../domain/refund.ts';
import type { GatewayRefund } from '../ports/payment-gateway.ts';
import { commitExistingOrderChange } from './commit-order-change.ts';
import type { Deps } from './deps.ts';
import { scheduleRefundCheck } from './schedule-refund-check.ts';

/** What sending a refund to the gateway needs. */
export type SubmitRefundDeps = Pick<
  Deps,
  'orders' | 'outbox' | 'bus' | 'tasks' | 'gateway' | 'attempts' | 'clock' | 'logger' | 'settings'
>;

/**
 * Sends a requested refund to the gateway with its id as the idempotency key (a retry returns the same refund), then
 * starts its chain of status checks. A gateway that keeps refusing is retried by redelivery up to the bound, then the
 * refund is marked failed so a person can act.
 */
export async function submitRefund(orderId: string, refundId: string, deps: SubmitRefundDeps): Promise<Refund | null> {
  const order = await deps.orders.get(orderId);
  const refund = order?.refunds.find((r) => r.id === refundId);
  if (!order || !refund) {
    deps.logger.log('WARNING', 'refund to submit not found', { orderId, refundId });
    return null;
  }
  if (refund.status !== 'requested') return refund;
  let gatewayRefund: GatewayRefund;
  try {
    gatewayRefund = await deps.gateway.createRefund({
      paymentId: refund.paymentId,
      amount: refund.amount,
      idempotencyKey: refund.id,
      notes: { orderId, refundId },
    });
  } catch (error) {
    // refused for good (Razorpay's 400: below ₹1, more than is left): asking again is refused again, so it fails now
    const refused = error instanceof AppError && error.type === 'upstream-failed';
    const attempts = refused ? 0 : await deps.attempts.increment(`refund-submit:${refundId}`);
    if (!refused && attempts < deps.settings.maxTransientAttempts) throw error;
    deps.logger.log(
      'ERROR',
      refused
        ? 'refund refused by the gateway; marked failed'
        : 'refund refused by the gateway too often; marked failed',
      {
        orderId,
        refundId,
        attempts,
        error,
      },
    );
    const { result } = await commitExistingOrderChange(
      orderId,
      (o) =>
        applyRefundStatus(
          o,
          {
            refundId,
            status: 'failed',
            failureReason: error instanceof Error ? error.message : 'gateway error',
            source: 'api',
          },
          deps.clock.now(),
        ),
      deps,
    );
    return result.refund;
  }
  const { result } = await commitExistingOrderChange(
    orderId,
    (o) =>
      applyRefundStatus(
        o,
        { refundId, gatewayRefundId: gatewayRefund.refundId, status: gatewayRefund.status, source: 'api' },
        deps.clock.now(),
      ),
    deps,
  );
  await scheduleRefundCheck({ orderId, refundId, check: 1 }, deps);
  return result.refund;
}
