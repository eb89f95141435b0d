import { applyRefundStatus } from '../domain/refund.ts';
import type { GatewayRefund } from '../ports/payment-gateway.ts';
import { type CommitDeps, commitOrderChange } from './commit-order-change.ts';

/** A refund webhook: settles the refund sooner than its status check would. */
export async function applyGatewayRefund(
  gatewayRefund: GatewayRefund,
  deps: CommitDeps,
): Promise<'applied' | 'unchanged' | 'unknown-order'> {
  const orderId = gatewayRefund.notes.orderId;
  if (!orderId) return 'unknown-order';
  const done = await commitOrderChange(
    orderId,
    (o) =>
      applyRefundStatus(
        o,
        {
          gatewayRefundId: gatewayRefund.refundId,
          ...(gatewayRefund.notes.refundId ? { refundId: gatewayRefund.notes.refundId } : {}),
          status: gatewayRefund.status,
          source: 'webhook',
        },
        deps.clock.now(),
      ),
    deps,
  );
  if (done === null) return 'unknown-order';
  return done.result.outcome === 'changed' ? 'applied' : 'unchanged';
}
