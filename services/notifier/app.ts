import type { Notice } from '../../shared/domain/notification.ts';
import { pushAuth, type TokenVerifier } from '../../shared/http/auth.ts';
import { readPaymentEvent } from '../../shared/http/pubsub-push.ts';
import { PUSH_ROUTES, TASK_ROUTES } from '../../shared/http/routes.ts';
import { NoticeSchema } from '../../shared/http/schemas.ts';
import { createServiceApp } from '../../shared/http/service-app.ts';
import { parseJsonBody } from '../../shared/http/validate.ts';
import type { Logger } from '../../shared/ports/logger.ts';
import { deliverNotification } from '../../shared/use-cases/deliver-notification.ts';
import type { Deps } from '../../shared/use-cases/deps.ts';
import { notifyCustomer } from '../../shared/use-cases/notify-customer.ts';

export type NotifierDeps = Pick<
  Deps,
  'notifications' | 'channels' | 'webhooks' | 'deliveries' | 'clock' | 'settings'
> & {
  readonly logger: Logger;
  readonly pushTokens: TokenVerifier | null;
  readonly bodyLimitBytes: number;
};

/**
 * Pub/Sub push subscriber for payment events: each becomes one notification in the customer's feed and goes out on
 * every channel. Also the target of the delivery tasks that post signed webhooks to the app's backend: customer
 * notifications, and the reconciler's run summaries for finance. Answers 204,
 * not 202, to pushes: the Pub/Sub emulator counts 202 as a nack.
 */
export function createApp(deps: NotifierDeps) {
  const app = createServiceApp({ name: 'notifier', logger: deps.logger, bodyLimitBytes: deps.bodyLimitBytes });
  app.use('/pubsub/*', pushAuth(deps.pushTokens));
  app.use('/tasks/*', pushAuth(deps.pushTokens));

  app.post(PUSH_ROUTES['payment-events'], async (c) => {
    const { event, messageId } = await readPaymentEvent(c);
    await notifyCustomer(event, { ...deps, logger: c.get('logger').child({ messageId }) });
    return c.body(null, 204);
  });

  app.post(TASK_ROUTES['notification-deliveries'], async (c) => {
    const notice: Notice = await parseJsonBody(c, NoticeSchema);
    const delivery = await deliverNotification(notice, { ...deps, logger: c.get('logger') });
    return c.json({ state: delivery.state, attempts: delivery.attempts.length });
  });

  return app;
}
