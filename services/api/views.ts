import type { Order } from '../../shared/domain/payment-types.ts';
import { refundedAmount } from '../../shared/domain/refund.ts';
import type { CheckoutDetails } from '../../shared/ports/payment-gateway.ts';

/** What a customer sees of an order: its status, amount and timeline; never our internal version counter. */
export function orderView(order: Order) {
  return {
    id: order.id,
    status: order.status,
    amount: order.amount,
    description: order.description,
    notes: order.notes,
    gateway: { name: order.gateway.name, orderId: order.gateway.orderId },
    paymentId: order.paymentId,
    flags: order.flags,
    captures: order.captures,
    refunds: order.refunds.map(({ requestedBy: _by, ...refund }) => refund),
    refundedAmount: refundedAmount(order),
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    timeline: order.timeline,
  };
}

export function checkoutView(checkout: CheckoutDetails) {
  return {
    gateway: checkout.gateway,
    keyId: checkout.keyId,
    gatewayOrderId: checkout.gatewayOrderId,
    checkoutUrl: checkout.checkoutUrl,
  };
}
