import test from 'ava';
import { MAX_BACKED_OFF_INTERVAL_SECONDS, nextCheckDelaySeconds } from './schedule-status-check.ts';

const settings = {
  statusCheckIntervalSeconds: 900,
  paymentMaxAgeSeconds: 172_800,
  statusCheckBackoffAfterSeconds: 7200,
};

/** Every check time from creation to expiry, as the chain schedules them. */
function checkTimes(s: typeof settings): number[] {
  const times: number[] = [];
  for (let at = s.statusCheckIntervalSeconds; at <= s.paymentMaxAgeSeconds; at += nextCheckDelaySeconds(at, s)) {
    times.push(at);
  }
  return times;
}

test('status checks: every interval until the backoff age, then growing gaps up to the cap', (t) => {
  const times = checkTimes(settings);
  t.deepEqual(times.slice(0, 8), [900, 1800, 2700, 3600, 4500, 5400, 6300, 7200]);
  const gaps = times.slice(1).map((at, i) => at - times[i]!);
  t.true(gaps.every((g) => g <= MAX_BACKED_OFF_INTERVAL_SECONDS));
  t.true(gaps.every((g, i) => i === 0 || g >= gaps[i - 1]! || times[i + 1] === settings.paymentMaxAgeSeconds));
  // one check lands at expiry, so an abandoned order expires on time
  t.is(times.at(-1), settings.paymentMaxAgeSeconds);
  t.true(times.length < 30, `${times.length} checks`);
});

test('status checks: 0 never backs off (192 checks over 48 h)', (t) => {
  t.is(checkTimes({ ...settings, statusCheckBackoffAfterSeconds: 0 }).length, 192);
  t.is(nextCheckDelaySeconds(100_000, { ...settings, statusCheckBackoffAfterSeconds: 0 }), 900);
});
