/** One outgoing delivery of a notice (customer notification or reconciliation summary) to a channel, and every attempt at it, for operators to inspect. */
export interface DeliveryAttempt {
  readonly at: string;
  /** HTTP status, or null when no response came (network error, timeout). */
  readonly status: number | null;
  readonly ok: boolean;
  readonly error: string | null;
}

export interface Delivery {
  /** `<notificationId>@<channel>`. */
  readonly id: string;
  readonly notificationId: string;
  /** The order and customer a customer notification is about; null for a reconciliation summary. */
  readonly orderId: string | null;
  readonly customerId: string | null;
  readonly channel: string;
  readonly target: string;
  readonly state: 'pending' | 'delivered';
  readonly attempts: readonly DeliveryAttempt[];
  readonly updatedAt: string;
}

export interface DeliveryStore {
  /** Creates the delivery on its first attempt; appends the attempt and moves `state` to delivered on success. */
  recordAttempt(
    delivery: Omit<Delivery, 'state' | 'attempts' | 'updatedAt'>,
    attempt: DeliveryAttempt,
  ): Promise<Delivery>;
  get(id: string): Promise<Delivery | null>;
  /** Newest first; optionally one order's. */
  list(query: { readonly orderId?: string; readonly limit: number }): Promise<readonly Delivery[]>;
}
