import * as v from 'valibot';
import { pushAuth, type TokenVerifier } from '../../shared/http/auth.ts';
import { JOB_ROUTES, TASK_ROUTES } from '../../shared/http/routes.ts';
import { createServiceApp } from '../../shared/http/service-app.ts';
import { parseJsonBody } from '../../shared/http/validate.ts';
import { type ReconcileDeps, reconcileRun } from '../../shared/use-cases/reconcile-day.ts';
import { startNightlyReconciliation } from '../../shared/use-cases/start-reconciliation.ts';

export type ReconcilerDeps = ReconcileDeps & {
  /** Verifies the OIDC token Cloud Tasks and Cloud Scheduler attach; null only where the emulators send none. */
  readonly pushTokens: TokenVerifier | null;
  readonly bodyLimitBytes: number;
};

const ReconcileTask = v.strictObject({
  runId: v.pipe(v.string(), v.regex(/^rec_[A-Za-z0-9_]{1,64}$/, 'not a run id')),
});

/**
 * The reconciler: the nightly Cloud Scheduler job starts a run for the day before (through the `reconciliations`
 * queue, like a run an operator starts), and each queued run is one task here. A run that fails answers 5xx, so Cloud
 * Tasks runs it again; its actions are idempotent, so that never acts twice.
 */
export function createApp(deps: ReconcilerDeps) {
  const app = createServiceApp({ name: 'reconciler', logger: deps.logger, bodyLimitBytes: deps.bodyLimitBytes });
  app.use('/tasks/*', pushAuth(deps.pushTokens));
  app.use('/jobs/*', pushAuth(deps.pushTokens));

  app.post(TASK_ROUTES.reconciliations, async (c) => {
    const task = await parseJsonBody(c, ReconcileTask);
    const logger = c.get('logger').child({ runId: task.runId, task: c.req.header('x-cloudtasks-taskname') });
    try {
      const run = await reconcileRun(task.runId, { ...deps, logger });
      return c.json(run ? { id: run.id, status: run.status } : { outcome: 'unknown-run' });
    } catch (error) {
      // the day is held or the run broke: 503 asks the queue to try again later
      logger.log('WARNING', 'reconciliation not finished; retried by the queue', { error: String(error) });
      return c.json({ status: 'retry' }, 503);
    }
  });

  // Cloud Scheduler calls this after midnight (RECONCILIATION_SCHEDULE); its body, if any, is ignored
  app.post(JOB_ROUTES['nightly-reconciliation'], async (c) => {
    const run = await startNightlyReconciliation({ ...deps, logger: c.get('logger') });
    return c.json(run ? { id: run.id, day: run.day, status: run.status } : { status: 'already-running' }, 202);
  });

  return app;
}
