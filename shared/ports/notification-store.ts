import type { Notification } from '../domain/notification.ts';
import type { Page } from './order-store.ts';

export interface NotificationStore {
  /** Creates the notification unless one with its id exists (create-if-absent). Returns whether it was created. */
  add(notification: Notification): Promise<boolean>;
  /** A customer's feed, newest first. */
  list(customerId: string, limit: number, cursor?: string): Promise<Page<Notification>>;
}
