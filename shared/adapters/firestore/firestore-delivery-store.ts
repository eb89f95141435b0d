import type { CollectionReference, Firestore, Query } from '@google-cloud/firestore';
import type { Delivery, DeliveryAttempt, DeliveryStore } from '../../ports/delivery-store.ts';
import { nextDelivery } from '../memory/memory-delivery-store.ts';
import { safeDocId, toData } from './firestore-docs.ts';

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
      const next = toData(nextDelivery(snap.exists ? (snap.data() as Delivery) : null, delivery, attempt));
      tx.set(ref, next);
      return next;
    });
  }

  async get(id: string): Promise<Delivery | null> {
    const snap = await this.deliveries.doc(safeDocId(id)).get();
    return snap.exists ? (snap.data() as Delivery) : null;
  }

  async list(query: { readonly orderId?: string; readonly limit: number }): Promise<readonly Delivery[]> {
    let q: Query = this.deliveries;
    if (query.orderId !== undefined) q = q.where('orderId', '==', query.orderId);
    const snap = await q.orderBy('updatedAt', 'desc').orderBy('id', 'desc').limit(query.limit).get();
    return snap.docs.map((d) => d.data() as Delivery);
  }
}
