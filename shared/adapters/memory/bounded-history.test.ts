import test from 'ava';
import { appendBounded } from './bounded-history.ts';

test('appendBounded: keeps every entry up to twice the limit, then only the newest `limit`', (t) => {
  const history: number[] = [];
  for (let i = 0; i < 20; i++) appendBounded(history, i, 10);
  t.deepEqual(
    history,
    Array.from({ length: 20 }, (_, i) => i),
  );
  appendBounded(history, 20, 10);
  t.deepEqual(
    history,
    Array.from({ length: 10 }, (_, i) => i + 11),
  );
  for (let i = 21; i < 1000; i++) appendBounded(history, i, 10);
  t.true(history.length <= 20);
  t.is(history.at(-1), 999);
});
