import * as v from 'valibot';
import { pushAuth, type TokenVerifier } from '../../shared/http/auth.ts';
import { JOB_ROUTES, TASK_ROUTES } from '../../shared/http/routes.ts';
import { OrderId } from '../../shared/http/schemas.ts';
import { createServiceApp } from '../../shared/http/service-app.ts';
import { parseJsonBody } from '../../shared/http/validate.ts';
import type { Logger } from '../../shared/ports/logger.ts';
import { checkPaymentStatus } from '../../shared/use-cases/check-payment-status.ts';
import type { Deps } from '../../shared/use-cases/deps.ts';
import { publishPendingEvents } from '../../shared/use-cases/publish-events.ts';

export type StatusCheckerDeps = Pick<Deps, 'orders' | 'outbox' | 'bus' | 'tasks' | 'gateway' | 'clock' | 'settings'> & {
  readonly logger: Logger;
  /** Verifies the OIDC token Cloud Tasks (and Cloud Scheduler) attach; null only where the emulators send none. */
  readonly pushTokens: TokenVerifier | null;
  readonly bodyLimitBytes: number;
};

const CheckTask = v.strictObject({
  orderId: OrderId,
  check: v.pipe(v.number(), v.integer(), v.minValue(0)),
  chain: v.boolean(),
});

/** The target of the status-check tasks, and of the outbox sweep. Answers 2xx only when the work is done. */
export function createApp(deps: StatusCheckerDeps) {
  const app = createServiceApp({ name: 'status-checker', logger: deps.logger, bodyLimitBytes: deps.bodyLimitBytes });
  app.use('/tasks/*', pushAuth(deps.pushTokens));
  app.use('/jobs/*', pushAuth(deps.pushTokens));

  app.post(TASK_ROUTES['status-checks'], async (c) => {
    const task = await parseJsonBody(c, CheckTask);
    const logger = c.get('logger').child({
      orderId: task.orderId,
      task: c.req.header('x-cloudtasks-taskname'),
      retryCount: Number(c.req.header('x-cloudtasks-taskretrycount') ?? 0),
    });
    // a gateway outage throws → 502 → Cloud Tasks retries this same task with backoff
    const result = await checkPaymentStatus(task, { ...deps, logger });
    return c.json({
      outcome: result.outcome,
      ...(result.outcome !== 'unknown-order' ? { status: result.order.status } : {}),
    });
  });

  // Cloud Scheduler calls this; commits publish at once, so it only finds what a crash left unpublished
  app.post(JOB_ROUTES['outbox-sweep'], async (c) => {
    const result = await publishPendingEvents({ ...deps, logger: c.get('logger') }, 500);
    return c.json(result, result.failed > 0 ? 503 : 200);
  });

  return app;
}
