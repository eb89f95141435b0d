import type { Notice } from '../../domain/notification.ts';
import type { NotificationChannel } from '../../ports/notification-channel.ts';
import type { TaskQueue } from '../../ports/task-queue.ts';

/**
 * Notices for the app's backend (customer notifications, reconciliation summaries), as signed webhooks. Sending only
 * enqueues a delivery task (named after the notice, so a repeat is refused by the queue); the task's target signs and
 * posts it and the queue retries it with backoff until the app acknowledges it.
 */
export class AppWebhookChannel implements NotificationChannel {
  readonly name = 'app-webhook';

  constructor(
    private readonly tasks: TaskQueue,
    private readonly now: () => Date,
  ) {}

  async send(notice: Notice): Promise<void> {
    await this.tasks.enqueue({
      queue: 'notification-deliveries',
      id: `${notice.id.replace(/[^A-Za-z0-9_-]/g, '_')}-${this.name}`,
      body: notice,
      scheduleTime: this.now(),
    });
  }
}
