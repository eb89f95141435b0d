import test from 'ava';
import {
  DEFAULT_RETRY_POLICY,
  nextBackoff,
  type RetryPolicy,
  retriesExhausted,
  retryPolicyFrom,
} from './retry-policy.ts';

const policy = (overrides: Partial<RetryPolicy>): RetryPolicy => ({ ...DEFAULT_RETRY_POLICY, ...overrides });
const backoffs = (p: RetryPolicy, count: number) => Array.from({ length: count }, (_, i) => nextBackoff(p, i + 1));

test('nextBackoff: the documented example (10 s, 300 s, 3 doublings) → 10, 20, 40, 80, 160, 240, 300, 300', (t) => {
  const p = policy({ minBackoffMs: 10_000, maxBackoffMs: 300_000, maxDoublings: 3 });
  t.deepEqual(backoffs(p, 8), [10_000, 20_000, 40_000, 80_000, 160_000, 240_000, 300_000, 300_000]);
});

test('nextBackoff: doublings, then linear growth by the last doubled interval, then the cap', (t) => {
  const p = policy({ minBackoffMs: 100, maxBackoffMs: 1_000, maxDoublings: 2 });
  // 100, 200, 400 (two doublings), then +400 each time: 800, 1200 → capped at 1000.
  t.deepEqual(backoffs(p, 6), [100, 200, 400, 800, 1_000, 1_000]);
});

test('nextBackoff: max_doublings 0 → linear from the first retry', (t) => {
  t.deepEqual(backoffs(policy({ minBackoffMs: 50, maxBackoffMs: 10_000, maxDoublings: 0 }), 4), [50, 100, 150, 200]);
});

test('nextBackoff: the queue defaults (0.1 s, 16 doublings, 1 h) stay finite and capped', (t) => {
  t.is(nextBackoff(DEFAULT_RETRY_POLICY, 1), 100);
  t.is(nextBackoff(DEFAULT_RETRY_POLICY, 2), 200);
  t.is(nextBackoff(DEFAULT_RETRY_POLICY, 10_000), 3_600_000);
  t.is(nextBackoff(policy({ minBackoffMs: 0, maxBackoffMs: 0, maxDoublings: 5000 }), 9000), 0);
});

test('retriesExhausted: stops only when max_attempts AND max_retry_duration are both spent', (t) => {
  const p = policy({ maxAttempts: 3, maxRetryDurationMs: 1_000 });
  t.false(retriesExhausted(p, { attempts: 3, firstAttemptMs: 0, nowMs: 500 }), 'attempts spent, duration not');
  t.false(retriesExhausted(p, { attempts: 2, firstAttemptMs: 0, nowMs: 5_000 }), 'duration spent, attempts not');
  t.true(retriesExhausted(p, { attempts: 3, firstAttemptMs: 0, nowMs: 1_000 }));
});

test('retriesExhausted: an unlimited limit does not hold the task back; both unlimited = retry forever', (t) => {
  const attemptsOnly = policy({ maxAttempts: 2, maxRetryDurationMs: 0 });
  t.false(retriesExhausted(attemptsOnly, { attempts: 1, firstAttemptMs: 0, nowMs: 0 }));
  t.true(retriesExhausted(attemptsOnly, { attempts: 2, firstAttemptMs: 0, nowMs: 0 }));
  const durationOnly = policy({ maxAttempts: -1, maxRetryDurationMs: 1_000 });
  t.false(retriesExhausted(durationOnly, { attempts: 500, firstAttemptMs: 0, nowMs: 999 }));
  t.true(retriesExhausted(durationOnly, { attempts: 500, firstAttemptMs: 0, nowMs: 1_000 }));
  const forever = policy({ maxAttempts: -1, maxRetryDurationMs: 0 });
  t.false(retriesExhausted(forever, { attempts: 1e6, firstAttemptMs: 0, nowMs: 1e12 }));
});

test('retryPolicyFrom: unset fields keep the defaults; out-of-range values → INVALID_ARGUMENT', (t) => {
  t.deepEqual(
    retryPolicyFrom({ maxAttempts: 5, minBackoff: { seconds: '0', nanos: 50_000_000 } }, DEFAULT_RETRY_POLICY),
    {
      ...DEFAULT_RETRY_POLICY,
      maxAttempts: 5,
      minBackoffMs: 50,
    },
  );
  t.is(t.throws(() => retryPolicyFrom({ maxAttempts: -2 }, DEFAULT_RETRY_POLICY))?.name, 'ApiError');
  t.throws(() => retryPolicyFrom({ minBackoff: { seconds: 10 }, maxBackoff: { seconds: 1 } }, DEFAULT_RETRY_POLICY));
});
