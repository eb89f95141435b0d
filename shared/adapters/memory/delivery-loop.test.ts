import test from 'ava';
import { ManualClock } from './clocks.ts';
import { DeliveryLoop } from './delivery-loop.ts';

const policy = { minBackoffMs: 100, maxBackoffMs: 1000, maxAttempts: 3 };

test('due: earliest first, ties in scheduling order, nothing before its time', async (t) => {
  const clock = new ManualClock('2026-01-01T00:00:00.000Z');
  const now = clock.now().getTime();
  const seen: string[] = [];
  const loop = new DeliveryLoop<string>(
    clock,
    policy,
    async (d) => {
      seen.push(d.key);
      return true;
    },
    () => undefined,
  );
  loop.add('c', 'c', now + 10);
  loop.add('a', 'a', now);
  loop.add('b', 'b', now + 10);
  loop.add('later', 'later', now + 1000);
  clock.advance(10);
  t.deepEqual(
    loop.due().map((d) => d.key),
    ['a', 'c', 'b'],
  );
  // runOne's pick indexes that same order
  t.true(await loop.runOne((n) => n - 1));
  t.deepEqual(seen, ['b']);
  t.is(await loop.runDue(), 2);
  t.deepEqual(seen, ['b', 'a', 'c']);
  t.is(loop.size, 1);
  t.false(await loop.runOne());
});

test('a failed attempt is retried after its backoff and given up after maxAttempts', async (t) => {
  const clock = new ManualClock('2026-01-01T00:00:00.000Z');
  const given: string[] = [];
  const loop = new DeliveryLoop<string>(
    clock,
    policy,
    async () => false,
    (d) => given.push(d.key),
  );
  loop.add('x', 'x', clock.now().getTime());
  t.is(await loop.runDue(), 1);
  t.is(loop.due().length, 0);
  clock.advance(100);
  t.is(await loop.runDue(), 1);
  clock.advance(200);
  t.is(await loop.runDue(), 1);
  t.deepEqual(given, ['x']);
  t.is(loop.size, 0);
});

test('adding a pending key again replaces it (one delivery, the new item)', async (t) => {
  const clock = new ManualClock('2026-01-01T00:00:00.000Z');
  const seen: string[] = [];
  const loop = new DeliveryLoop<string>(
    clock,
    policy,
    async (d) => {
      seen.push(d.item);
      return true;
    },
    () => undefined,
  );
  loop.add('k', 'old', clock.now().getTime());
  loop.add('k', 'new', clock.now().getTime() + 50);
  t.is(loop.due().length, 0);
  clock.advance(50);
  t.is(await loop.runDue(), 1);
  t.deepEqual(seen, ['new']);
});
