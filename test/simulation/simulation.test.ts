import test from 'ava';
import { runSeed } from './sim/simulate.ts';

/**
 * The simulator inside `npm test`: a bounded run of seeds (`npm run sim -- --seeds 10000` is the big one), the replay
 * promise, and one regression test per bug a seed found, named after the seed, run at the step count that found it.
 */
const SEEDS = 120;
const STEPS = 50;

test(`simulator: ${SEEDS} seeds of ${STEPS} steps, every invariant after every step, no violation`, async (t) => {
  let checks = 0;
  let faults = 0;
  for (let seed = 1; seed <= SEEDS; seed++) {
    const r = await runSeed(seed, { steps: STEPS });
    checks += r.checks;
    faults += r.faults;
    t.is(
      r.violation,
      null,
      r.violation
        ? `seed ${seed}: ${r.violation.invariant}: ${r.violation.detail}\n${r.violation.trace.slice(-30).join('\n')}`
        : '',
    );
  }
  t.log(`${SEEDS} seeds, ${faults} faults injected, ${checks} invariant checks`);
});

test('simulator: the same seed replays the same run; another seed another run', async (t) => {
  const [a, b, c] = await Promise.all([
    runSeed(7, { steps: 40 }),
    runSeed(7, { steps: 40 }),
    runSeed(8, { steps: 40 }),
  ]);
  t.is(a.traceDigest, b.traceDigest);
  t.like(a, { steps: b.steps, checks: b.checks, faults: b.faults });
  t.not(a.traceDigest, c.traceDigest);
});

const REGRESSIONS: { seed: number; steps: number; found: string }[] = [
  {
    seed: 14,
    steps: 150,
    found: 'the process died between the order commit and its first status check: the order was never checked again',
  },
  { seed: 15, steps: 150, found: 'the same lost chain at creation, the client retrying with its Idempotency-Key' },
  { seed: 21, steps: 150, found: 'the same lost chain at creation' },
  {
    seed: 9,
    steps: 150,
    found: 'the bank refused the automatic refund of a second capture: the money was held and no one was told',
  },
  {
    seed: 46,
    steps: 150,
    found: 'an account-closed refund failed at the bank after operator refunds: reconciliation did not list it',
  },
  {
    seed: 53,
    steps: 150,
    found: 'a late payment just after midnight: its refund refused by the bank, listed on its order’s day only',
  },
  {
    seed: 1288,
    steps: 60,
    found: 'an operator refund failed at the bank after the account-closed refund took the rest: the money was held',
  },
  {
    seed: 2989,
    steps: 60,
    found:
      'a 22-paise automatic refund (what operator refunds left of a closed account’s payment): its own event failed our event schema (₹1 minimum), was dead-lettered by every subscriber, and the refund never left',
  },
  {
    seed: 2391,
    steps: 50,
    found:
      'an operator refund of all of it failed at the bank after the account closed: the credit-failed refund had found nothing left to owe, and nothing asked again',
  },
  { seed: 7013, steps: 50, found: 'the same, with part of the payment refunded by an operator first' },
];

for (const { seed, steps, found } of REGRESSIONS) {
  test(`simulator seed ${seed} (${steps} steps): ${found} → fixed, every invariant holds`, async (t) => {
    const r = await runSeed(seed, { steps });
    t.is(r.violation, null, r.violation ? `${r.violation.invariant}: ${r.violation.detail}` : '');
  });
}
