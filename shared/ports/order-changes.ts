import type { Order } from '../domain/payment-types.ts';

/** Stops a watch; calling it again does nothing. */
export type Unsubscribe = () => void;

/**
 * A change feed of single orders, for live status (the order's Server-Sent Events stream). A watch is told the order
 * as it stands soon after it starts, then the order as committed after each change. It may be told the same state
 * more than once and may skip intermediate states (the timeline carries every step), so listeners compare timelines.
 */
export interface OrderChanges {
  watch(orderId: string, listener: (order: Order) => void, onError?: (error: Error) => void): Unsubscribe;
}
