import type { Notification } from '../../domain/notification.ts';
import type { Logger } from '../../ports/logger.ts';
import type { NotificationChannel } from '../../ports/notification-channel.ts';

/** Writes each notification to the structured log (ids and step only: the customer's data stays out of logs). */
export class LogChannel implements NotificationChannel {
  readonly name = 'log';

  constructor(private readonly logger: Logger) {}

  async send(notification: Notification): Promise<void> {
    this.logger.log('INFO', 'notification', {
      channel: this.name,
      notificationId: notification.id,
      orderId: notification.orderId,
      step: notification.step,
    });
  }
}
