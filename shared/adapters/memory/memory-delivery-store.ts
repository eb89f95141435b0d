import type { Delivery, DeliveryAttempt, DeliveryStore } from '../../ports/delivery-store.ts';

/** Deliveries and their attempts in memory; values are cloned in and out. */
export class MemoryDeliveryStore implements DeliveryStore {
  private readonly deliveries = new Map<string, Delivery>();

  async recordAttempt(
    delivery: Omit<Delivery, 'state' | 'attempts' | 'updatedAt'>,
    attempt: DeliveryAttempt,
  ): Promise<Delivery> {
    const next = nextDelivery(this.deliveries.get(delivery.id) ?? null, delivery, attempt);
    this.deliveries.set(next.id, structuredClone(next));
    return structuredClone(next);
  }

  async get(id: string): Promise<Delivery | null> {
    const found = this.deliveries.get(id);
    return found ? structuredClone(found) : null;
  }

  async list(query: { readonly orderId?: string; readonly limit: number }): Promise<readonly Delivery[]> {
    return structuredClone(
      [...this.deliveries.values()]
        .filter((d) => query.orderId === undefined || d.orderId === query.orderId)
        .sort(newestUpdatedFirst)
        .slice(0, query.limit),
    );
  }
}

/**
 * The delivery after one more attempt: created from `delivery` on the first, the attempt appended, delivered once
 * any attempt succeeded (and delivered for good). Shared with the Firestore store so both apply the same rule.
 */
export function nextDelivery(
  current: Delivery | null,
  delivery: Omit<Delivery, 'state' | 'attempts' | 'updatedAt'>,
  attempt: DeliveryAttempt,
): Delivery {
  const base: Delivery = current ?? {
    id: delivery.id,
    notificationId: delivery.notificationId,
    orderId: delivery.orderId,
    customerId: delivery.customerId,
    channel: delivery.channel,
    target: delivery.target,
    state: 'pending',
    attempts: [],
    updatedAt: attempt.at,
  };
  return {
    ...base,
    state: base.state === 'delivered' || attempt.ok ? 'delivered' : 'pending',
    attempts: [...base.attempts, { at: attempt.at, status: attempt.status, ok: attempt.ok, error: attempt.error }],
    updatedAt: attempt.at,
  };
}

/** updatedAt desc, ties by id desc. */
export function newestUpdatedFirst(a: Delivery, b: Delivery): number {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt < b.updatedAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
