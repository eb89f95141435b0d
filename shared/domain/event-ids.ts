import type { PaymentEvent, PaymentEventType } from './events.ts';
import type { Order, TransitionSource } from './payment-types.ts';

/**
 * The event-id scheme, in one place: `${orderId}:${type}`, plus a qualifier (a payment or refund id) where one order
 * can cause the same event type more than once. Ids are deterministic so a re-publish is recognisable downstream and
 * an outbox write retried by a transaction is the same entry.
 */
export function paymentEventId(orderId: string, type: PaymentEventType, qualifier?: string): string {
  return qualifier === undefined ? `${orderId}:${type}` : `${orderId}:${type}:${qualifier}`;
}

/** The event `type` says of `order` as it is now; `qualifier` as in {@link paymentEventId}. */
export function eventFor(
  order: Order,
  type: PaymentEventType,
  source: TransitionSource,
  at: string,
  qualifier?: string,
): PaymentEvent {
  return {
    id: paymentEventId(order.id, type, qualifier),
    type,
    orderId: order.id,
    customerId: order.customerId,
    amount: order.amount,
    status: order.status,
    paymentId: order.paymentId,
    source,
    occurredAt: at,
    refund: null,
  };
}
