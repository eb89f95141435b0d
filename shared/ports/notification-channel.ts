import type { Notice } from '../domain/notification.ts';

/**
 * Where a notice goes: a customer notification besides their feed, or a reconciliation summary for finance — to the
 * app's backend (signed webhook), a log, and later push, email or SMS providers. `send` must be idempotent per notice
 * id: redelivered events and tasks call it again.
 */
export interface NotificationChannel {
  readonly name: string;
  send(notice: Notice): Promise<void>;
}
