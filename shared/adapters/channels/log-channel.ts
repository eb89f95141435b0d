import { isReconciliationSummary, type Notice } from '../../domain/notification.ts';
import type { Logger } from '../../ports/logger.ts';
import type { NotificationChannel } from '../../ports/notification-channel.ts';

/**
 * Writes each notice to the structured log: a customer notification by ids and step only (the customer's data stays
 * out of logs); a reconciliation summary with its counts, at WARNING when a person is needed, so an alert can follow.
 */
export class LogChannel implements NotificationChannel {
  readonly name = 'log';

  constructor(private readonly logger: Logger) {}

  async send(notice: Notice): Promise<void> {
    if (isReconciliationSummary(notice)) {
      this.logger.log(notice.needsPerson > 0 ? 'WARNING' : 'INFO', 'reconciliation summary', {
        channel: this.name,
        audience: 'finance',
        runId: notice.runId,
        day: notice.day,
        trigger: notice.trigger,
        orders: notice.counts.orders,
        settled: notice.counts.settled,
        stillOpen: notice.counts.stillOpen,
        differences: notice.counts.differences,
        results: notice.counts.results,
        needsPerson: notice.needsPerson,
        report: notice.report,
      });
      return;
    }
    this.logger.log('INFO', 'notification', {
      channel: this.name,
      notificationId: notice.id,
      orderId: notice.orderId,
      step: notice.step,
    });
  }
}
