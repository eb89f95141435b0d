import type { PaymentEvent } from '../domain/events.ts';
import { type Notification, notificationFor } from '../domain/notification.ts';
import type { Page } from '../ports/order-store.ts';
import { assertCursor } from './customer-orders.ts';
import type { Deps } from './deps.ts';

/**
 * One notification per step per order: the notification's id is `${orderId}:${step}`, so however often Pub/Sub
 * redelivers the event, or in whatever order events arrive, the feed holds each step once.
 */
export async function notifyCustomer(
  event: PaymentEvent,
  deps: Pick<Deps, 'notifications' | 'channels' | 'clock' | 'logger'>,
): Promise<{ created: boolean; notification: Notification }> {
  const notification = notificationFor(event, deps.clock.now());
  const created = await deps.notifications.add(notification);
  deps.logger.log(created ? 'INFO' : 'DEBUG', created ? 'customer notified' : 'notification already in the feed', {
    orderId: event.orderId,
    step: notification.step,
  });
  // sent again on a redelivery: the feed write may have committed before a crash that kept the channels from
  // running; each channel is idempotent per notification id
  for (const channel of deps.channels) await channel.send(notification);
  return { created, notification };
}

export function listNotifications(
  customerId: string,
  limit: number,
  cursor: string | undefined,
  deps: Pick<Deps, 'notifications'>,
): Promise<Page<Notification>> {
  assertCursor(cursor);
  return deps.notifications.list(customerId, limit, cursor);
}
