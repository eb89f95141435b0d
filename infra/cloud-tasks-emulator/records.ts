import type { status } from '@grpc/grpc-js';
import { msToProto } from './proto-time.ts';
import { type RetryPolicy, retryConfigOf } from './retry-policy.ts';
import type { TokenBucket } from './token-bucket.ts';
import type { AttemptMessage, HttpMethod, QueueMessage, TaskMessage, TaskView } from './wire.ts';

/** The emulator's in-memory state. Wire messages are produced from these records, never stored. */

export interface RateLimits {
  readonly maxDispatchesPerSecond: number;
  readonly maxBurstSize: number;
  readonly maxConcurrentDispatches: number;
}

export interface QueueRecord {
  readonly name: string;
  readonly queueId: string;
  state: 'RUNNING' | 'PAUSED';
  retry: RetryPolicy;
  rateLimits: RateLimits;
  samplingRatio: number | undefined;
  purgeTimeMs: number | undefined;
  readonly tasks: Map<string, TaskRecord>;
  /** Dispatch throttling: `rateLimits` as a token bucket plus a count of requests still out. */
  readonly flow: QueueFlow;
}

/** Tasks whose time has come wait in `ready` (in order) until the bucket and the concurrency limit let them go. */
export interface QueueFlow {
  readonly bucket: TokenBucket;
  readonly ready: Set<TaskRecord>;
  inFlight: number;
  timer: NodeJS.Timeout | undefined;
}

export interface HttpTarget {
  readonly url: string;
  readonly method: Exclude<HttpMethod, 'HTTP_METHOD_UNSPECIFIED'>;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer | undefined;
  readonly oidc: { readonly serviceAccountEmail: string; readonly audience: string | undefined } | undefined;
}

export interface AttemptRecord {
  readonly scheduleTimeMs: number;
  readonly dispatchTimeMs: number;
  responseTimeMs?: number;
  responseStatus?: { readonly code: status; readonly message: string };
}

export interface TaskRecord {
  readonly name: string;
  readonly taskId: string;
  readonly queue: QueueRecord;
  readonly target: HttpTarget;
  readonly createTimeMs: number;
  readonly dispatchDeadlineMs: number;
  scheduleTimeMs: number;
  dispatchCount: number;
  responseCount: number;
  /** Responses other than 5xx: what X-CloudTasks-TaskExecutionCount reports ("does not include 5XX failures"). */
  executionCount: number;
  /** HTTP status of the latest response, sent back as X-CloudTasks-TaskPreviousResponse. */
  previousResponse: number | undefined;
  firstAttempt: { readonly dispatchTimeMs: number } | undefined;
  lastAttempt: AttemptRecord | undefined;
  inFlight: number;
  timer: NodeJS.Timeout | undefined;
}

export function queueMessage(queue: QueueRecord): QueueMessage {
  return {
    name: queue.name,
    rateLimits: { ...queue.rateLimits },
    retryConfig: retryConfigOf(queue.retry),
    state: queue.state,
    ...(queue.purgeTimeMs === undefined ? {} : { purgeTime: msToProto(queue.purgeTimeMs) }),
    ...(queue.samplingRatio === undefined ? {} : { stackdriverLoggingConfig: { samplingRatio: queue.samplingRatio } }),
  };
}

function attemptMessage(attempt: AttemptRecord): AttemptMessage {
  return {
    scheduleTime: msToProto(attempt.scheduleTimeMs),
    dispatchTime: msToProto(attempt.dispatchTimeMs),
    ...(attempt.responseTimeMs === undefined ? {} : { responseTime: msToProto(attempt.responseTimeMs) }),
    ...(attempt.responseStatus === undefined ? {} : { responseStatus: { ...attempt.responseStatus } }),
  };
}

/** BASIC (the default view) leaves out the body, which "can be large or can contain sensitive data". */
export function taskMessage(task: TaskRecord, view: TaskView | null | undefined): TaskMessage {
  const full = view === 'FULL';
  const { target } = task;
  return {
    name: task.name,
    httpRequest: {
      url: target.url,
      httpMethod: target.method,
      headers: { ...target.headers },
      ...(full && target.body ? { body: target.body } : {}),
      ...(target.oidc
        ? {
            oidcToken: {
              serviceAccountEmail: target.oidc.serviceAccountEmail,
              ...(target.oidc.audience ? { audience: target.oidc.audience } : {}),
            },
          }
        : {}),
    },
    scheduleTime: msToProto(task.scheduleTimeMs),
    // "create_time will be truncated to the nearest second."
    createTime: msToProto(Math.floor(task.createTimeMs / 1000) * 1000),
    dispatchDeadline: msToProto(task.dispatchDeadlineMs),
    dispatchCount: task.dispatchCount,
    responseCount: task.responseCount,
    // "Only dispatch_time will be set. The other Attempt information is not retained by Cloud Tasks."
    ...(task.firstAttempt ? { firstAttempt: { dispatchTime: msToProto(task.firstAttempt.dispatchTimeMs) } } : {}),
    ...(task.lastAttempt ? { lastAttempt: attemptMessage(task.lastAttempt) } : {}),
    view: full ? 'FULL' : 'BASIC',
  };
}
