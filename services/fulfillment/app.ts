import { pushAuth, type TokenVerifier } from '../../shared/http/auth.ts';
import { readPaymentEvent } from '../../shared/http/pubsub-push.ts';
import { PUSH_ROUTES } from '../../shared/http/routes.ts';
import { createServiceApp } from '../../shared/http/service-app.ts';
import type { Logger } from '../../shared/ports/logger.ts';
import type { Deps } from '../../shared/use-cases/deps.ts';
import { settleAccount } from '../../shared/use-cases/settle-account.ts';

export type FulfillmentDeps = Pick<
  Deps,
  'orders' | 'outbox' | 'bus' | 'accounts' | 'attempts' | 'clock' | 'settings'
> & {
  readonly logger: Logger;
  readonly pushTokens: TokenVerifier | null;
  readonly bodyLimitBytes: number;
};

/**
 * Pub/Sub push subscriber that credits the customer's account when a payment succeeds and debits it when a refund
 * is processed. Idempotent by ledger entry id; a transient failure answers 5xx so Pub/Sub redelivers.
 */
export function createApp(deps: FulfillmentDeps) {
  const app = createServiceApp({ name: 'fulfillment', logger: deps.logger, bodyLimitBytes: deps.bodyLimitBytes });
  app.use('/pubsub/*', pushAuth(deps.pushTokens));

  app.post(PUSH_ROUTES['payment-events'], async (c) => {
    const { event, messageId } = await readPaymentEvent(c);
    const result = await settleAccount(event, { ...deps, logger: c.get('logger').child({ messageId }) });
    return c.json({ result }, 200);
  });

  return app;
}
