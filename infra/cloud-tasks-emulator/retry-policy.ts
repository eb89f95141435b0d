import { invalidArgument } from './api-error.ts';
import { msToProto, type ProtoTime, protoToMs } from './proto-time.ts';

/** A queue's RetryConfig in milliseconds. `maxAttempts` -1 and `maxRetryDurationMs` 0 each mean "no limit". */
export interface RetryPolicy {
  readonly maxAttempts: number;
  readonly maxRetryDurationMs: number;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  readonly maxDoublings: number;
}

/** What the service picks when a queue is created without a RetryConfig (the values `gcloud tasks queues describe` shows). */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 100,
  maxRetryDurationMs: 0,
  minBackoffMs: 100,
  maxBackoffMs: 3_600_000,
  maxDoublings: 16,
};

/**
 * Delay before retry number `retry` (1 = the retry after the first failed attempt).
 *
 * RetryConfig.max_doublings: the interval starts at min_backoff, doubles max_doublings times, then grows linearly by
 * the last doubled interval (2^max_doublings × min_backoff), and is capped at max_backoff. The documented example
 * (min 10 s, max 300 s, 3 doublings) gives 10, 20, 40, 80, 160, 240, 300, 300, …
 */
export function nextBackoff(policy: RetryPolicy, retry: number): number {
  const { minBackoffMs, maxBackoffMs, maxDoublings } = policy;
  if (minBackoffMs <= 0) return 0; // also keeps 0 × Infinity (huge max_doublings) from turning into NaN
  const step = Math.max(1, retry) - 1;
  const interval =
    step <= maxDoublings ? minBackoffMs * 2 ** step : minBackoffMs * 2 ** maxDoublings * (step - maxDoublings + 1);
  return Math.min(interval, maxBackoffMs);
}

/**
 * Whether a task that has just failed its `attempts`-th attempt must stop being retried.
 *
 * The service stops only when both limits are satisfied: attempted max_attempts times AND max_retry_duration elapsed
 * since the first attempt. A limit set to "unlimited" (-1 attempts, 0 duration) does not hold the task back on its
 * own; only when both are unlimited does the task retry forever (the RetryConfig reference: "If you want your task
 * to retry infinitely, you must set max_attempts to -1 and max_retry_duration to 0").
 */
export function retriesExhausted(
  policy: RetryPolicy,
  attempt: { readonly attempts: number; readonly firstAttemptMs: number; readonly nowMs: number },
): boolean {
  const unlimitedAttempts = policy.maxAttempts < 0;
  const unlimitedDuration = policy.maxRetryDurationMs <= 0;
  if (unlimitedAttempts && unlimitedDuration) return false;
  const attemptsSpent = unlimitedAttempts || attempt.attempts >= policy.maxAttempts;
  const durationSpent = unlimitedDuration || attempt.nowMs - attempt.firstAttemptMs >= policy.maxRetryDurationMs;
  return attemptsSpent && durationSpent;
}

/** RetryConfig as it travels on the wire (proto-loader object). */
export interface RetryConfigMessage {
  maxAttempts?: number | null;
  maxRetryDuration?: ProtoTime | null;
  minBackoff?: ProtoTime | null;
  maxBackoff?: ProtoTime | null;
  maxDoublings?: number | null;
}

/** Fields left unset keep `base` (the defaults on create, the current values on update); out-of-range values are refused. */
export function retryPolicyFrom(config: RetryConfigMessage | null | undefined, base: RetryPolicy): RetryPolicy {
  if (!config) return base;
  const policy: RetryPolicy = {
    maxAttempts: config.maxAttempts ?? base.maxAttempts,
    maxRetryDurationMs: config.maxRetryDuration ? protoToMs(config.maxRetryDuration) : base.maxRetryDurationMs,
    minBackoffMs: config.minBackoff ? protoToMs(config.minBackoff) : base.minBackoffMs,
    maxBackoffMs: config.maxBackoff ? protoToMs(config.maxBackoff) : base.maxBackoffMs,
    maxDoublings: config.maxDoublings ?? base.maxDoublings,
  };
  if (policy.maxAttempts < -1) throw invalidArgument('RetryConfig.max_attempts must be >= -1');
  if (policy.maxRetryDurationMs < 0) throw invalidArgument('RetryConfig.max_retry_duration must not be negative');
  if (policy.minBackoffMs < 0 || policy.maxBackoffMs < 0)
    throw invalidArgument('RetryConfig backoffs must not be negative');
  if (policy.minBackoffMs > policy.maxBackoffMs)
    throw invalidArgument('RetryConfig.min_backoff must be <= max_backoff');
  if (policy.maxDoublings < 0) throw invalidArgument('RetryConfig.max_doublings must not be negative');
  return policy;
}

export function retryConfigOf(policy: RetryPolicy): RetryConfigMessage {
  return {
    maxAttempts: policy.maxAttempts,
    maxRetryDuration: msToProto(policy.maxRetryDurationMs),
    minBackoff: msToProto(policy.minBackoffMs),
    maxBackoff: msToProto(policy.maxBackoffMs),
    maxDoublings: policy.maxDoublings,
  };
}
