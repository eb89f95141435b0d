import { AppError } from '../../shared/domain/errors.ts';
import { pushAuth, type TokenVerifier } from '../../shared/http/auth.ts';
import { readPushMessage } from '../../shared/http/pubsub-push.ts';
import { PaymentEventSchema } from '../../shared/http/schemas.ts';
import { createServiceApp } from '../../shared/http/service-app.ts';
import { parseWith } from '../../shared/http/validate.ts';
import type { Logger } from '../../shared/ports/logger.ts';
import type { Deps } from '../../shared/use-cases/deps.ts';
import { notifyCustomer } from '../../shared/use-cases/notify-customer.ts';

export type NotifierDeps = Pick<Deps, 'notifications' | 'clock'> & {
  readonly logger: Logger;
  readonly pushTokens: TokenVerifier | null;
  readonly bodyLimitBytes: number;
};

/**
 * Pub/Sub push subscriber for payment events. Answers 204, not 202: the Pub/Sub emulator counts 202 as a nack.
 * Idempotent: a redelivered event finds its notification already there.
 */
export function createApp(deps: NotifierDeps) {
  const app = createServiceApp({ name: 'notifier', logger: deps.logger, bodyLimitBytes: deps.bodyLimitBytes });
  app.use('/pubsub/*', pushAuth(deps.pushTokens));

  app.post('/pubsub/payment-events', async (c) => {
    const message = await readPushMessage(c);
    const event = parseWith(PaymentEventSchema, message.data, 'payment event');
    if (message.attributes.eventId !== undefined && message.attributes.eventId !== event.id) {
      throw new AppError('validation', 'eventId attribute does not match the event');
    }
    await notifyCustomer(event, { ...deps, logger: c.get('logger').child({ messageId: message.messageId }) });
    return c.body(null, 204);
  });

  return app;
}
