import { status } from '@grpc/grpc-js';
import { type AttemptOutcome, codeForHttpStatus, type HttpAttempt } from './dispatcher.ts';
import type { LogSink } from './log.ts';
import type { AttemptRecord, QueueRecord, TaskRecord } from './records.ts';
import { nextBackoff, retriesExhausted } from './retry-policy.ts';
import { type AttemptInfo, attemptHeaders } from './task-headers.ts';

/** setTimeout's ceiling (~24.8 days); tasks may be scheduled up to 30 days ahead, so long waits are re-armed in hops. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface SchedulerDeps {
  now(): number;
  send(attempt: HttpAttempt): Promise<AttemptOutcome>;
  idToken(serviceAccountEmail: string, audience: string): Promise<string>;
  /** Whether the task is still stored (not deleted, purged, or gone with its queue). */
  isLive(task: TaskRecord): boolean;
  /** Removes a task that succeeded or ran out of retries. */
  finish(task: TaskRecord): void;
  log: LogSink;
}

/**
 * Owns the timers: releases each task at its schedule time into its queue's ready line, dispatches from there as the
 * queue's rate limits allow (token bucket, concurrent dispatches), then retries it per the queue's RetryConfig.
 */
export class TaskScheduler {
  private stopped = false;

  constructor(private readonly deps: SchedulerDeps) {}

  /** No timer is armed and no attempt settled afterwards (attempts still out get aborted by the emulator). */
  stop(): void {
    this.stopped = true;
  }

  /** Forgets a queue's pending throttling wait (queue deleted or emulator stopped). */
  release(queue: QueueRecord): void {
    if (queue.flow.timer) clearTimeout(queue.flow.timer);
    queue.flow.timer = undefined;
    queue.flow.ready.clear();
  }

  /**
   * Dispatches ready tasks while the queue runs, a token is in the bucket and fewer than max_concurrent_dispatches
   * requests are out; when only tokens are missing it waits for the next one, otherwise a response calls it again.
   */
  pump(queue: QueueRecord): void {
    const { flow } = queue;
    if (flow.timer) clearTimeout(flow.timer);
    flow.timer = undefined;
    if (this.stopped || queue.state !== 'RUNNING') return;
    while (flow.ready.size > 0 && flow.inFlight < queue.rateLimits.maxConcurrentDispatches) {
      const now = this.deps.now();
      if (!flow.bucket.take(now)) {
        flow.timer = setTimeout(() => this.pump(queue), Math.max(1, flow.bucket.waitMs(now)));
        return;
      }
      const [task] = flow.ready;
      flow.ready.delete(task!);
      this.dispatch(task!);
    }
  }

  /** (Re)starts the wait for the task's schedule time. Paused queues and in-flight tasks wait for resume/response. */
  arm(task: TaskRecord): void {
    this.disarm(task);
    if (this.stopped || task.queue.state !== 'RUNNING' || task.inFlight > 0) return;
    const delay = task.scheduleTimeMs - this.deps.now();
    task.timer = setTimeout(
      () => {
        task.timer = undefined;
        // Timers may fire a little early against the wall clock; never dispatch before the schedule time.
        if (this.deps.now() < task.scheduleTimeMs) this.arm(task);
        else {
          task.queue.flow.ready.add(task);
          this.pump(task.queue);
        }
      },
      Math.min(Math.max(delay, 0), MAX_TIMER_MS),
    );
  }

  disarm(task: TaskRecord): void {
    if (task.timer) clearTimeout(task.timer);
    task.timer = undefined;
    task.queue.flow.ready.delete(task);
  }

  /**
   * Starts an attempt now. The bookkeeping (dispatch count, attempt times) happens synchronously, so RunTask can
   * return "the status after the task is dispatched but before the task is received by its target".
   */
  dispatch(task: TaskRecord): void {
    this.disarm(task);
    if (this.stopped) return;
    const now = this.deps.now();
    const attemptNumber = ++task.dispatchCount;
    const record: AttemptRecord = { scheduleTimeMs: task.scheduleTimeMs, dispatchTimeMs: now };
    task.firstAttempt ??= { dispatchTimeMs: now };
    task.lastAttempt = record;
    task.inFlight++;
    task.queue.flow.inFlight++;
    const info = {
      queueId: task.queue.queueId,
      taskId: task.taskId,
      retryCount: attemptNumber - 1,
      executionCount: task.executionCount,
      etaMs: task.scheduleTimeMs,
      previousResponse: task.previousResponse,
    };
    void this.run(task, record, attemptNumber, info);
  }

  private async run(
    task: TaskRecord,
    record: AttemptRecord,
    attemptNumber: number,
    info: Omit<AttemptInfo, 'authorization'>,
  ): Promise<void> {
    const { target } = task;
    let outcome: AttemptOutcome;
    try {
      const authorization = target.oidc
        ? `Bearer ${await this.deps.idToken(target.oidc.serviceAccountEmail, target.oidc.audience ?? target.url)}`
        : undefined;
      outcome = await this.deps.send({
        url: target.url,
        method: target.method,
        headers: attemptHeaders(target.headers, { ...info, authorization }),
        body: target.body,
        deadlineMs: task.dispatchDeadlineMs,
      });
    } catch (error) {
      outcome = {
        kind: 'no-response',
        code: status.INTERNAL,
        message: `emulator failed to dispatch: ${String(error)}`,
      };
    }
    task.inFlight--;
    task.queue.flow.inFlight--;
    this.pump(task.queue);
    // Emulator stopped, or the task was deleted, purged or went with its queue while the request was out.
    if (this.stopped || !this.deps.isLive(task)) return;
    this.settle(task, record, attemptNumber, outcome);
  }

  private settle(task: TaskRecord, record: AttemptRecord, attemptNumber: number, outcome: AttemptOutcome): void {
    const now = this.deps.now();
    record.responseTimeMs = now;
    const fields = { task: task.name, attempt: attemptNumber };
    if (outcome.kind === 'response') {
      task.responseCount++;
      task.previousResponse = outcome.httpStatus;
      if (outcome.httpStatus < 500) task.executionCount++;
      record.responseStatus = { code: codeForHttpStatus(outcome.httpStatus), message: `HTTP ${outcome.httpStatus}` };
      if (outcome.httpStatus >= 200 && outcome.httpStatus < 300) {
        this.deps.log({ severity: 'INFO', message: 'task succeeded', ...fields, httpStatus: outcome.httpStatus });
        this.deps.finish(task);
        return;
      }
    } else {
      record.responseStatus = { code: outcome.code, message: outcome.message };
    }
    this.deps.log({ severity: 'INFO', message: 'task attempt failed', ...fields, status: record.responseStatus });

    // A RunTask started a newer attempt meanwhile: that one decides what happens next.
    if (attemptNumber !== task.dispatchCount) return;
    const policy = task.queue.retry;
    const firstAttemptMs = task.firstAttempt?.dispatchTimeMs ?? now;
    if (retriesExhausted(policy, { attempts: attemptNumber, firstAttemptMs, nowMs: now })) {
      this.deps.log({
        severity: 'WARNING',
        message: 'task deleted: retries exhausted (max_attempts and max_retry_duration both reached)',
        ...fields,
      });
      this.deps.finish(task);
      return;
    }
    task.scheduleTimeMs = now + nextBackoff(policy, attemptNumber);
    this.arm(task);
  }
}
