import type { Notification } from '../domain/notification.ts';

/**
 * Where a customer notification goes besides their feed: the app's backend (signed webhook), a log, and later push,
 * email or SMS providers. `send` must be idempotent per notification id: redelivered events call it again.
 */
export interface NotificationChannel {
  readonly name: string;
  send(notification: Notification): Promise<void>;
}
