import type { CollectionReference, Firestore, Query } from '@google-cloud/firestore';
import type { Delivery, DeliveryAttempt, DeliveryStore } from '../../ports/delivery-store.ts';
import { nextDelivery } from '../memory/memory-delivery-store.ts';
import { safeDocId, toData } from './firestore-docs.ts';
import { expiresAt } from './retention.ts';

/** The delivery as the port shapes it: the stored document without its TTL field. */
function withoutExpiry(data: unknown): Delivery {
  const { expiresAt: _ttl, ...delivery } = data as Delivery & { expiresAt?: unknown };
  return delivery;
}

/**
 * `deliveries/{deliveryId}`: a Delivery with all its attempts. An attempt is recorded by a transaction
 * (read, append, set), so concurrent attempts never lose one another. Listing needs the (updatedAt desc, id desc)
 * and (orderId, updatedAt desc, id desc) indexes.
 */
export class FirestoreDeliveryStore implements DeliveryStore {
  private readonly deliveries: CollectionReference;

  constructor(
    private readonly db: Firestore,
    prefix = '',
  ) {
    this.deliveries = db.collection(`${prefix}deliveries`);
  }

  async recordAttempt(
    delivery: Omit<Delivery, 'state' | 'attempts' | 'updatedAt'>,
    attempt: DeliveryAttempt,
  ): Promise<Delivery> {
    const ref = this.deliveries.doc(safeDocId(delivery.id));
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      const next = toData(nextDelivery(snap.exists ? withoutExpiry(snap.data()) : null, delivery, attempt));
      // Firestore's TTL policy deletes the record after expiresAt (see retention.ts); each attempt moves it on
      tx.set(ref, { ...next, expiresAt: expiresAt('deliveries', next.updatedAt) });
      return next;
    });
  }

  async get(id: string): Promise<Delivery | null> {
    const snap = await this.deliveries.doc(safeDocId(id)).get();
    return snap.exists ? withoutExpiry(snap.data()) : null;
  }

  async list(query: { readonly orderId?: string; readonly limit: number }): Promise<readonly Delivery[]> {
    let q: Query = this.deliveries;
    if (query.orderId !== undefined) q = q.where('orderId', '==', query.orderId);
    const snap = await q.orderBy('updatedAt', 'desc').orderBy('id', 'desc').limit(query.limit).get();
    return snap.docs.map((d) => withoutExpiry(d.data()));
  }
}
