import type { CollectionReference, Firestore } from '@google-cloud/firestore';
import { decodeCursor, encodeCursor } from '../../domain/cursor.ts';
import type { Notification } from '../../domain/notification.ts';
import type { NotificationStore } from '../../ports/notification-store.ts';
import type { Page } from '../../ports/order-store.ts';
import { isAlreadyExists, safeDocId, toData } from './firestore-docs.ts';

/**
 * `notifications/{notificationId}`: the id (`${orderId}:${step}`) is the document id, so `create` refuses a second
 * notification for the same step atomically. Listing needs the (customerId, createdAt desc, id desc) index.
 */
export class FirestoreNotificationStore implements NotificationStore {
  private readonly notifications: CollectionReference;

  constructor(db: Firestore, prefix = '') {
    this.notifications = db.collection(`${prefix}notifications`);
  }

  async add(notification: Notification): Promise<boolean> {
    try {
      await this.notifications.doc(safeDocId(notification.id)).create(toData(notification));
      return true;
    } catch (error) {
      if (isAlreadyExists(error)) return false;
      throw error;
    }
  }

  async list(customerId: string, limit: number, cursor?: string): Promise<Page<Notification>> {
    // As in the memory store, a cursor we cannot read starts from the top.
    const after = cursor ? decodeCursor(cursor) : null;
    let q = this.notifications.where('customerId', '==', customerId).orderBy('createdAt', 'desc').orderBy('id', 'desc');
    if (after) q = q.startAfter(after.createdAt, after.id);
    const snap = await q.limit(limit + 1).get();
    const matching = snap.docs.map((d) => d.data() as Notification);
    const items = matching.slice(0, limit);
    const last = items.at(-1);
    return { items, nextCursor: matching.length > limit && last ? encodeCursor(last) : null };
  }
}
