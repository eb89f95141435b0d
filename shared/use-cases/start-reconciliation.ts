import { AppError } from '../domain/errors.ts';
import { type Actor, auditEntry } from '../domain/permissions.ts';
import { dayOf, emptyCounts, previousDay } from '../domain/reconciliation.ts';
import type { ReconciliationRun, ReconciliationTrigger } from '../ports/reconciliation-store.ts';
import type { Deps } from './deps.ts';

export type StartDeps = Pick<Deps, 'reconciliations' | 'reconciliation' | 'tasks' | 'clock' | 'ids' | 'logger'> &
  Partial<Pick<Deps, 'audit'>>;

/**
 * Starts the reconciliation of some business days: one run per day, recorded `queued`, its day taken (a lease), and
 * a task on the `reconciliations` queue that runs it, so a long run never holds the caller. A day another run holds
 * is a conflict (409) and starts nothing. `runId` given (the nightly job's deterministic id) makes a repeated start
 * the same run: the store keeps the first, the queue refuses the second task.
 */
export async function startReconciliations(
  request: {
    readonly days: readonly string[];
    readonly trigger: ReconciliationTrigger;
    readonly requestedBy: string;
    readonly runId?: (day: string) => string;
    /** The operator starting it by hand: each run is written to the audit log. */
    readonly actor?: Actor;
  },
  deps: StartDeps,
): Promise<ReconciliationRun[]> {
  const now = deps.clock.now();
  const today = dayOf(now, deps.reconciliation.timeZone);
  const future = request.days.find((day) => day > today);
  if (future) {
    throw new AppError('validation', `${future} has not happened yet (today is ${today})`, [
      { path: 'date', message: 'a day up to today' },
    ]);
  }
  const planned = request.days.map((day) => ({ day, id: request.runId?.(day) ?? deps.ids.next('rec') }));
  const taken: { day: string; id: string }[] = [];
  const expires = new Date(now.getTime() + deps.reconciliation.leaseSeconds * 1000);
  for (const run of planned) {
    const lease = await deps.reconciliations.acquireLease(run.day, run.id, now, expires);
    if (!lease.acquired) {
      await Promise.all(taken.map((t) => deps.reconciliations.releaseLease(t.day, t.id)));
      // an attempt holds the day as `<runId>#<attempt>`: finance is told the run
      throw new AppError('invalid-state', `${run.day} is being reconciled by ${lease.heldBy.split('#')[0]}`);
    }
    taken.push(run);
  }
  const runs: ReconciliationRun[] = [];
  for (const { day, id } of planned) {
    const run = await deps.reconciliations.create(
      queuedRun({
        id,
        day,
        timeZone: deps.reconciliation.timeZone,
        trigger: request.trigger,
        requestedBy: request.requestedBy,
        requestedAt: now.toISOString(),
      }),
    );
    // a start repeated after its run completed (the nightly job fired twice) only frees the day again
    if (run.status === 'completed') {
      await deps.reconciliations.releaseLease(day, id);
      runs.push(run);
      continue;
    }
    await deps.tasks.enqueue({ queue: 'reconciliations', id, body: { runId: id }, scheduleTime: now });
    // the run has no transaction of its own to carry the entry: appended once it is queued
    if (request.actor && deps.audit) {
      await deps.audit.append(auditEntry(request.actor, 'reconciliations.run', day, now, null, { runId: id }));
    }
    deps.logger.log('INFO', 'reconciliation queued', { runId: id, day, trigger: request.trigger });
    runs.push(run);
  }
  return runs;
}

/**
 * The nightly job: reconciles the business day before today. Its run id is the day's (`rec_<yyyymmdd>_nightly`), so
 * a job fired twice starts one run. A day an operator's run already holds is left to that run.
 */
export async function startNightlyReconciliation(deps: StartDeps): Promise<ReconciliationRun | null> {
  const day = previousDay(deps.clock.now(), deps.reconciliation.timeZone);
  try {
    const [run] = await startReconciliations(
      {
        days: [day],
        trigger: 'schedule',
        requestedBy: 'scheduler',
        runId: (d) => `rec_${d.replaceAll('-', '')}_nightly`,
      },
      deps,
    );
    return run ?? null;
  } catch (error) {
    if (error instanceof AppError && error.type === 'invalid-state') {
      deps.logger.log('INFO', 'nightly reconciliation: the day is already being reconciled', { day });
      return null;
    }
    throw error;
  }
}

/** A run as it is first stored: queued, its task on the way, nothing counted yet. */
export function queuedRun(
  run: Pick<ReconciliationRun, 'id' | 'day' | 'timeZone' | 'trigger' | 'requestedBy' | 'requestedAt'>,
): ReconciliationRun {
  return {
    ...run,
    startedAt: null,
    finishedAt: null,
    status: 'queued',
    attempts: 0,
    counts: emptyCounts(),
    progress: { phase: 'queued', orders: 0 },
    error: null,
  };
}
