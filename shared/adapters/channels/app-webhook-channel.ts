import type { Notification } from '../../domain/notification.ts';
import type { NotificationChannel } from '../../ports/notification-channel.ts';
import type { TaskQueue } from '../../ports/task-queue.ts';

/**
 * Notifications for the app's backend, as signed webhooks. Sending only enqueues a delivery task (named after the
 * notification, so a repeat is refused by the queue); the task's target signs and posts it and the queue retries it
 * with backoff until the app acknowledges it.
 */
export class AppWebhookChannel implements NotificationChannel {
  readonly name = 'app-webhook';

  constructor(
    private readonly tasks: TaskQueue,
    private readonly now: () => Date,
  ) {}

  async send(notification: Notification): Promise<void> {
    await this.tasks.enqueue({
      queue: 'notification-deliveries',
      id: `${notification.id.replace(/[^A-Za-z0-9_-]/g, '_')}-${this.name}`,
      body: notification,
      scheduleTime: this.now(),
    });
  }
}
