import { AppError } from '../domain/errors.ts';
import type { Order } from '../domain/payment-types.ts';
import { applyGatewayStatus } from './apply-gateway-status.ts';
import { getCustomerOrder } from './customer-orders.ts';
import type { Deps } from './deps.ts';
import { scheduleStatusCheck } from './schedule-status-check.ts';

/** What the checkout handed the app; `gatewayOrderId` is Razorpay's `razorpay_order_id`, when the app sent it. */
export interface CheckoutCallback {
  readonly gatewayOrderId?: string;
  readonly paymentId: string;
  readonly signature: string;
}

/**
 * The checkout's callback reached the app, which forwards what it got. The signature proves the gateway issued this
 * payment id for this order; we then mark the order processing and check its status right away rather than wait
 * for the webhook. A forged signature, or another order's callback, changes nothing.
 */
export async function confirmPayment(
  customerId: string,
  orderId: string,
  callback: CheckoutCallback,
  deps: Pick<Deps, 'orders' | 'outbox' | 'bus' | 'tasks' | 'gateway' | 'clock' | 'logger'>,
): Promise<Order> {
  const order = await getCustomerOrder(customerId, orderId, deps);
  if (order.gateway.orderId === null) throw new AppError('invalid-state', 'the order has no gateway order yet');
  if (callback.gatewayOrderId !== undefined && callback.gatewayOrderId !== order.gateway.orderId) {
    // the app forwarded another order's checkout callback: a mix-up on its side, never applied to this order
    throw new AppError('validation', `razorpay_order_id is not this order's gateway order`, [
      { path: 'razorpay_order_id', message: `must be this order's gateway order id (${order.gateway.orderId})` },
    ]);
  }
  const valid = deps.gateway.verifyCheckoutSignature({
    gatewayOrderId: order.gateway.orderId,
    paymentId: callback.paymentId,
    signature: callback.signature,
  });
  if (!valid) {
    deps.logger.log('WARNING', 'checkout signature refused', { orderId });
    throw new AppError('invalid-signature', 'the checkout signature does not match this order and payment');
  }
  const applied = await applyGatewayStatus(
    orderId,
    { status: 'processing', source: 'client', paymentId: callback.paymentId },
    deps,
  );
  // a one-off check, named per payment so a repeated confirm schedules it once and never starts a second chain
  await scheduleStatusCheck({ orderId, check: 0, chain: false }, 0, deps, `${orderId}-confirm-${callback.paymentId}`);
  return applied.order ?? order;
}
