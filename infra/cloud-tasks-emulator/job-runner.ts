import { status } from '@grpc/grpc-js';
import { nextRunMs } from './cron-schedule.ts';
import { type AttemptOutcome, codeForHttpStatus, type HttpAttempt } from './dispatcher.ts';
import { jobAttemptHeaders } from './job-headers.ts';
import { type JobRecord, jobRetriesExhausted } from './job-records.ts';
import type { LogSink } from './log.ts';
import { nextBackoff } from './retry-policy.ts';

/** setTimeout's ceiling (~24.8 days); a yearly schedule waits longer, so long waits are re-armed in hops. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface JobRunnerDeps {
  now(): number;
  send(attempt: HttpAttempt): Promise<AttemptOutcome>;
  idToken(serviceAccountEmail: string, audience: string): Promise<string>;
  /** Whether the job is still stored (not deleted meanwhile). */
  isLive(job: JobRecord): boolean;
  log: LogSink;
}

/** Owns the Cloud Scheduler timers: fires each enabled job on its cron schedule, then retries per its RetryConfig. */
export class JobRunner {
  private stopped = false;

  constructor(private readonly deps: JobRunnerDeps) {}

  stop(): void {
    this.stopped = true;
  }

  /** Computes the next run from now and waits for it; a paused job has none. */
  arm(job: JobRecord): void {
    this.clear(job, 'scheduleTimer');
    if (this.stopped || job.state !== 'ENABLED') {
      job.nextRunMs = undefined;
      return;
    }
    job.nextRunMs = nextRunMs(job.spec.schedule, job.spec.timeZone, this.deps.now());
    this.wait(job);
  }

  /** Cancels the schedule and any pending retry (pause, delete, update). */
  disarm(job: JobRecord): void {
    this.clear(job, 'scheduleTimer');
    this.clear(job, 'retryTimer');
  }

  /** Starts an execution now (RunJob, or the schedule coming due); a newer execution supersedes older retries. */
  run(job: JobRecord, scheduleTimeMs: number): void {
    if (this.stopped) return;
    this.clear(job, 'retryTimer');
    const execution = ++job.execution;
    void this.attempt(job, execution, scheduleTimeMs, 1, this.deps.now());
  }

  private wait(job: JobRecord): void {
    const due = job.nextRunMs;
    if (due === undefined) return;
    job.scheduleTimer = setTimeout(
      () => {
        job.scheduleTimer = undefined;
        // Timers may fire a little early against the wall clock; never run before the schedule time.
        if (this.deps.now() < due) return this.wait(job);
        this.run(job, due);
        job.nextRunMs = nextRunMs(job.spec.schedule, job.spec.timeZone, Math.max(due, this.deps.now()));
        this.wait(job);
      },
      Math.min(Math.max(due - this.deps.now(), 0), MAX_TIMER_MS),
    );
  }

  private async attempt(
    job: JobRecord,
    execution: number,
    scheduleTimeMs: number,
    attemptNumber: number,
    firstAttemptMs: number,
  ): Promise<void> {
    const { target, attemptDeadlineMs } = job.spec;
    job.lastAttemptTimeMs = this.deps.now();
    let outcome: AttemptOutcome;
    try {
      const authorization = target.oidc
        ? `Bearer ${await this.deps.idToken(target.oidc.serviceAccountEmail, target.oidc.audience ?? target.url)}`
        : undefined;
      outcome = await this.deps.send({
        url: target.url,
        method: target.method,
        headers: jobAttemptHeaders(target.headers, {
          jobId: job.jobId,
          scheduleTimeMs,
          hasBody: target.body !== undefined,
          authorization,
        }),
        body: target.body,
        deadlineMs: attemptDeadlineMs,
      });
    } catch (error) {
      outcome = {
        kind: 'no-response',
        code: status.INTERNAL,
        message: `emulator failed to dispatch: ${String(error)}`,
      };
    }
    if (this.stopped || !this.deps.isLive(job) || execution !== job.execution) return;

    const fields = { job: job.name, attempt: attemptNumber };
    if (outcome.kind === 'response') {
      job.lastHttpStatus = outcome.httpStatus;
      const code = codeForHttpStatus(outcome.httpStatus);
      job.status = { code, message: code === status.OK ? '' : `HTTP ${outcome.httpStatus}` };
      if (code === status.OK) {
        this.deps.log({ severity: 'INFO', message: 'job succeeded', ...fields, httpStatus: outcome.httpStatus });
        return;
      }
    } else {
      job.status = { code: outcome.code, message: outcome.message };
    }
    this.deps.log({ severity: 'INFO', message: 'job attempt failed', ...fields, status: job.status });
    const now = this.deps.now();
    if (jobRetriesExhausted(job.spec.retry, { attempts: attemptNumber, firstAttemptMs, nowMs: now })) return;
    const { minBackoffMs, maxBackoffMs, maxDoublings } = job.spec.retry;
    const delay = nextBackoff(
      { minBackoffMs, maxBackoffMs, maxDoublings, maxAttempts: 0, maxRetryDurationMs: 0 },
      attemptNumber,
    );
    job.retryTimer = setTimeout(
      () => {
        job.retryTimer = undefined;
        void this.attempt(job, execution, scheduleTimeMs, attemptNumber + 1, firstAttemptMs);
      },
      Math.min(delay, MAX_TIMER_MS),
    );
  }

  private clear(job: JobRecord, timer: 'scheduleTimer' | 'retryTimer'): void {
    const handle = job[timer];
    if (handle) clearTimeout(handle);
    job[timer] = undefined;
  }
}
