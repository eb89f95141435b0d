import { type JobRetryPolicy, type JobSpec, jobRetryMessage } from './job-validation.ts';
import { msToProto } from './proto-time.ts';
import type { JobMessage } from './scheduler-wire.ts';

/** A Cloud Scheduler job in memory. Wire messages are produced from it, never stored. */
export interface JobRecord {
  readonly name: string;
  readonly jobId: string;
  spec: JobSpec;
  state: 'ENABLED' | 'PAUSED';
  userUpdateTimeMs: number;
  /** The next scheduled run (Job.schedule_time); undefined while paused. */
  nextRunMs: number | undefined;
  lastAttemptTimeMs: number | undefined;
  /** Outcome of the latest attempt: code 0 on success (reported as an empty Status, as the service does). */
  status: { readonly code: number; readonly message: string } | undefined;
  /** HTTP status of the latest response, for the status page. */
  lastHttpStatus: number | undefined;
  /** Bumped by every execution (scheduled or RunJob), so a late retry of an older one is dropped. */
  execution: number;
  scheduleTimer: NodeJS.Timeout | undefined;
  retryTimer: NodeJS.Timeout | undefined;
}

export function jobMessage(job: JobRecord): JobMessage {
  const { spec } = job;
  const { target } = spec;
  return {
    name: job.name,
    ...(spec.description ? { description: spec.description } : {}),
    httpTarget: {
      uri: target.url,
      httpMethod: target.method,
      headers: { ...target.headers },
      ...(target.body ? { body: target.body } : {}),
      ...(target.oidc
        ? {
            oidcToken: {
              serviceAccountEmail: target.oidc.serviceAccountEmail,
              ...(target.oidc.audience ? { audience: target.oidc.audience } : {}),
            },
          }
        : {}),
    },
    schedule: spec.schedule,
    timeZone: spec.timeZone,
    userUpdateTime: msToProto(job.userUpdateTimeMs),
    state: job.state,
    ...(job.status ? { status: job.status.code === 0 ? {} : { ...job.status } } : {}),
    ...(job.nextRunMs === undefined ? {} : { scheduleTime: msToProto(job.nextRunMs) }),
    ...(job.lastAttemptTimeMs === undefined ? {} : { lastAttemptTime: msToProto(job.lastAttemptTimeMs) }),
    retryConfig: jobRetryMessage(spec.retry),
    attemptDeadline: msToProto(spec.attemptDeadlineMs),
  };
}

/**
 * Whether an execution that has just failed its `attempts`-th attempt is done. As documented for RetryConfig, with
 * both `retry_count` and `max_retry_duration` set the job is retried until both limits are reached.
 */
export function jobRetriesExhausted(
  policy: JobRetryPolicy,
  attempt: { readonly attempts: number; readonly firstAttemptMs: number; readonly nowMs: number },
): boolean {
  const countSpent = attempt.attempts - 1 >= policy.retryCount;
  const durationSpent =
    policy.maxRetryDurationMs <= 0 || attempt.nowMs - attempt.firstAttemptMs >= policy.maxRetryDurationMs;
  return countSpent && durationSpent;
}
