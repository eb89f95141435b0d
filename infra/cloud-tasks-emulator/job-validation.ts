import { invalidArgument, unimplemented } from './api-error.ts';
import { assertSchedule } from './cron-schedule.ts';
import { msToProto, protoToMs } from './proto-time.ts';
import type { HttpTarget } from './records.ts';
import type { JobMessage, JobRetryConfigMessage } from './scheduler-wire.ts';

/** Job.retry_config in milliseconds. `maxRetryDurationMs` 0 = no time limit. */
export interface JobRetryPolicy {
  readonly retryCount: number;
  readonly maxRetryDurationMs: number;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly maxDoublings: number;
}

/** What a job is asked to do: everything the caller sets, validated and with the service's defaults filled in. */
export interface JobSpec {
  readonly description: string | undefined;
  readonly target: HttpTarget;
  readonly schedule: string;
  readonly timeZone: string;
  readonly retry: JobRetryPolicy;
  readonly attemptDeadlineMs: number;
}

// Defaults and bounds documented on google.cloud.scheduler.v1.Job and RetryConfig.
const DEFAULT_RETRY: JobRetryPolicy = {
  retryCount: 0,
  maxRetryDurationMs: 0,
  minBackoffMs: 5_000,
  maxBackoffMs: 3_600_000,
  maxDoublings: 5,
};
const DEFAULT_ATTEMPT_DEADLINE_MS = 180_000; // "For HTTP targets, the default is 3 minutes."
const MIN_ATTEMPT_DEADLINE_MS = 15_000; // "the deadline must be in the interval [15 seconds, 30 minutes]"
const MAX_ATTEMPT_DEADLINE_MS = 1_800_000;
const MAX_DESCRIPTION = 500;
const MAX_BODY_BYTES = 1024 * 1024;
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);
/** The service's default time zone when none is given. */
export const DEFAULT_TIME_ZONE = 'Etc/UTC';

/** Checks a Job the way CreateJob/UpdateJob do; only HTTP targets are supported. */
export function validateJob(job: JobMessage): JobSpec {
  if (job.pubsubTarget || job.appEngineHttpTarget) {
    throw unimplemented('Only http_target jobs are supported by the emulator (no Pub/Sub or App Engine targets)');
  }
  if (!job.httpTarget) throw invalidArgument('Job.http_target is required');
  const description = job.description || undefined;
  if (description && description.length > MAX_DESCRIPTION) {
    throw invalidArgument(`Job.description is longer than ${MAX_DESCRIPTION} characters`);
  }
  const schedule = job.schedule ?? '';
  const timeZone = job.timeZone || DEFAULT_TIME_ZONE;
  assertSchedule(schedule, timeZone);
  const attemptDeadlineMs = job.attemptDeadline ? protoToMs(job.attemptDeadline) : DEFAULT_ATTEMPT_DEADLINE_MS;
  if (!(attemptDeadlineMs >= MIN_ATTEMPT_DEADLINE_MS && attemptDeadlineMs <= MAX_ATTEMPT_DEADLINE_MS)) {
    throw invalidArgument('Job.attempt_deadline must be between 15 seconds and 30 minutes');
  }
  return {
    description,
    target: validateTarget(job.httpTarget),
    schedule,
    timeZone,
    retry: retryFrom(job.retryConfig),
    attemptDeadlineMs,
  };
}

function validateTarget(target: NonNullable<JobMessage['httpTarget']>): HttpTarget {
  const url = target.uri ?? '';
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) {
    throw invalidArgument(`HttpTarget.uri must be an absolute http:// or https:// URL, got "${url}"`);
  }
  const method = !target.httpMethod || target.httpMethod === 'HTTP_METHOD_UNSPECIFIED' ? 'POST' : target.httpMethod;
  const body = target.body && target.body.length > 0 ? Buffer.from(target.body) : undefined;
  if (body && !METHODS_WITH_BODY.has(method)) {
    throw invalidArgument(`HttpTarget.body is allowed only with POST, PUT or PATCH, not ${method}`);
  }
  if (body && body.length > MAX_BODY_BYTES) throw invalidArgument('HttpTarget.body must be at most 1 MB');
  if (target.oauthToken) {
    throw unimplemented('oauth_token is not supported by the emulator (it cannot mint Google access tokens)');
  }
  let oidc: HttpTarget['oidc'];
  if (target.oidcToken) {
    const email = target.oidcToken.serviceAccountEmail ?? '';
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) {
      throw invalidArgument(`OidcToken.service_account_email must be a service account email, got "${email}"`);
    }
    oidc = { serviceAccountEmail: email, audience: target.oidcToken.audience || undefined };
  }
  return { url, method, headers: { ...(target.headers ?? {}) }, body, oidc };
}

function retryFrom(config: JobRetryConfigMessage | null | undefined): JobRetryPolicy {
  const policy: JobRetryPolicy = {
    retryCount: config?.retryCount ?? DEFAULT_RETRY.retryCount,
    maxRetryDurationMs: config?.maxRetryDuration
      ? protoToMs(config.maxRetryDuration)
      : DEFAULT_RETRY.maxRetryDurationMs,
    minBackoffMs: config?.minBackoffDuration ? protoToMs(config.minBackoffDuration) : DEFAULT_RETRY.minBackoffMs,
    maxBackoffMs: config?.maxBackoffDuration ? protoToMs(config.maxBackoffDuration) : DEFAULT_RETRY.maxBackoffMs,
    maxDoublings: config?.maxDoublings ?? DEFAULT_RETRY.maxDoublings,
  };
  // "The value must be between 0 and 5"
  if (policy.retryCount < 0 || policy.retryCount > 5)
    throw invalidArgument('RetryConfig.retry_count must be in [0, 5]');
  if (policy.maxRetryDurationMs < 0) throw invalidArgument('RetryConfig.max_retry_duration must not be negative');
  if (policy.minBackoffMs < 0 || policy.minBackoffMs > policy.maxBackoffMs) {
    throw invalidArgument('RetryConfig.min_backoff_duration must be between 0 and max_backoff_duration');
  }
  if (policy.maxDoublings < 0) throw invalidArgument('RetryConfig.max_doublings must not be negative');
  return policy;
}

export function jobRetryMessage(policy: JobRetryPolicy): JobRetryConfigMessage {
  return {
    retryCount: policy.retryCount,
    maxRetryDuration: msToProto(policy.maxRetryDurationMs),
    minBackoffDuration: msToProto(policy.minBackoffMs),
    maxBackoffDuration: msToProto(policy.maxBackoffMs),
    maxDoublings: policy.maxDoublings,
  };
}
