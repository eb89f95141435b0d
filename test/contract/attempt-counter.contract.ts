import type { TestFn } from 'ava';
import type { AttemptCounter } from '../../shared/ports/attempt-counter.ts';

/** The promises every AttemptCounter makes. `makeCounter` returns an empty counter per call. */
export function attemptCounterContract(
  test: TestFn,
  makeCounter: () => AttemptCounter | Promise<AttemptCounter>,
): void {
  test('increment: counts 1, 2, 3 for a key; keys count independently', async (t) => {
    const counter = await makeCounter();
    t.is(await counter.increment('credit:ord_a'), 1);
    t.is(await counter.increment('credit:ord_a'), 2);
    t.is(await counter.increment('credit:ord_b'), 1);
    t.is(await counter.increment('credit:ord_a'), 3);
  });

  test('increment: any key text works, including slashes and reserved-looking names', async (t) => {
    const counter = await makeCounter();
    t.is(await counter.increment('odd/key with space'), 1);
    t.is(await counter.increment('__reserved__'), 1);
    t.is(await counter.increment('odd/key with space'), 2);
  });

  test('increment: 10 concurrent increments → the count is 10 and each caller got a distinct count 1..10', async (t) => {
    const counter = await makeCounter();
    const counts = await Promise.all(Array.from({ length: 10 }, () => counter.increment('notify:ntf_1')));
    t.deepEqual(
      [...counts].sort((a, b) => a - b),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    t.is(await counter.increment('notify:ntf_1'), 11);
  });
}
