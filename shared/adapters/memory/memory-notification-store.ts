import { compareNewestFirst, decodeCursor, encodeCursor } from '../../domain/cursor.ts';
import type { Notification } from '../../domain/notification.ts';
import type { NotificationStore } from '../../ports/notification-store.ts';
import type { Page } from '../../ports/order-store.ts';

export class MemoryNotificationStore implements NotificationStore {
  private readonly notifications = new Map<string, Notification>();

  async add(notification: Notification): Promise<boolean> {
    if (this.notifications.has(notification.id)) return false;
    this.notifications.set(notification.id, structuredClone(notification));
    return true;
  }

  async list(customerId: string, limit: number, cursor?: string): Promise<Page<Notification>> {
    const after = cursor ? decodeCursor(cursor) : null;
    const matching = [...this.notifications.values()]
      .filter((n) => n.customerId === customerId && (after === null || compareNewestFirst(after, n) < 0))
      .sort(compareNewestFirst);
    const items = matching.slice(0, limit);
    const last = items.at(-1);
    return { items: structuredClone(items), nextCursor: matching.length > limit && last ? encodeCursor(last) : null };
  }
}
