import * as v from 'valibot';
import { pushAuth, type TokenVerifier } from '../../shared/http/auth.ts';
import { readPaymentEvent } from '../../shared/http/pubsub-push.ts';
import { PUSH_ROUTES, TASK_ROUTES } from '../../shared/http/routes.ts';
import { OrderId } from '../../shared/http/schemas.ts';
import { createServiceApp } from '../../shared/http/service-app.ts';
import { parseJsonBody } from '../../shared/http/validate.ts';
import type { Logger } from '../../shared/ports/logger.ts';
import { checkRefundStatus } from '../../shared/use-cases/check-refund-status.ts';
import type { Deps } from '../../shared/use-cases/deps.ts';
import { handleRefundEvent } from '../../shared/use-cases/handle-refund-event.ts';

export type RefundsDeps = Pick<
  Deps,
  'orders' | 'outbox' | 'bus' | 'tasks' | 'gateway' | 'attempts' | 'clock' | 'settings'
> & {
  readonly logger: Logger;
  readonly pushTokens: TokenVerifier | null;
  readonly bodyLimitBytes: number;
};

const RefundCheck = v.strictObject({
  orderId: OrderId,
  refundId: v.pipe(v.string(), v.regex(/^rfd_[A-Za-z0-9_]{1,64}$/)),
  check: v.pipe(v.number(), v.integer(), v.minValue(1)),
});

/**
 * The refunds handler: requests the refunds the product owes (late or mismatched payments), sends requested refunds
 * to the gateway, and checks each refund's status until it is processed or failed.
 */
export function createApp(deps: RefundsDeps) {
  const app = createServiceApp({ name: 'refunds', logger: deps.logger, bodyLimitBytes: deps.bodyLimitBytes });
  app.use('/pubsub/*', pushAuth(deps.pushTokens));
  app.use('/tasks/*', pushAuth(deps.pushTokens));

  app.post(PUSH_ROUTES['payment-events'], async (c) => {
    const { event, messageId } = await readPaymentEvent(c);
    const result = await handleRefundEvent(event, { ...deps, logger: c.get('logger').child({ messageId }) });
    return c.json({ result }, 200);
  });

  app.post(TASK_ROUTES['refund-checks'], async (c) => {
    const task = await parseJsonBody(c, RefundCheck);
    const refund = await checkRefundStatus(task, { ...deps, logger: c.get('logger') });
    return c.json({ status: refund?.status ?? 'unknown' });
  });

  return app;
}
