import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { status } from '@grpc/grpc-js';
import test from 'ava';
import { eventually, grpcCode, type Harness, LOCATION, sleep, startHarness, startTarget } from './test-helpers.ts';
import { TokenBucket } from './token-bucket.ts';

let h: Harness;
test.before(async () => {
  // Long enough that a loaded machine's slow calls still land inside the window.
  h = await startHarness({ queueNameReservationMs: 2000 });
});
test.after.always(async () => {
  await h?.stop();
});

test('TokenBucket: starts full, refills at the rate, never above the burst size', (t) => {
  const bucket = new TokenBucket(10, 2, 0);
  t.true(bucket.take(0));
  t.true(bucket.take(0));
  t.false(bucket.take(0), 'burst spent');
  t.is(bucket.waitMs(0), 100, 'one token every 100 ms at 10/s');
  t.true(bucket.take(100));
  t.false(bucket.take(150));
  t.true(bucket.take(10_000));
  t.true(bucket.take(10_000));
  t.false(bucket.take(10_000), 'a long idle time still gives at most max_burst_size');
});

test('max_dispatches_per_second: 20 due tasks at 10/s (burst 2) are spread over ~2 s, never more than burst + rate × window', async (t) => {
  const target = await startTarget();
  t.teardown(() => target.close());
  const [queue] = await h.client.createQueue({
    parent: LOCATION,
    queue: { name: `${LOCATION}/queues/rate-limited`, rateLimits: { maxDispatchesPerSecond: 10 } },
  });
  t.is(queue.rateLimits?.maxBurstSize, 2, 'the burst size the emulator picks for 10/s');
  const [paused] = await h.client.pauseQueue({ name: queue.name! });
  t.is(paused.state, 'PAUSED');
  for (let i = 0; i < 20; i++) {
    await h.client.createTask({ parent: queue.name!, task: { httpRequest: { url: `${target.baseUrl}/rate` } } });
  }
  await h.client.resumeQueue({ name: queue.name! }); // all 20 due at once
  await eventually(() => target.at('/rate').length === 20, 15_000);
  const times = target.at('/rate').map((r) => r.receivedAtMs);
  const span = times.at(-1)! - times[0]!;
  t.true(span >= 1200, `18 tokens at 10/s take ~1.8 s; took ${span} ms`);
  for (const start of times) {
    const inWindow = times.filter((time) => time >= start && time < start + 500).length;
    // burst 2 + 5 tokens in 500 ms; the rest is slack for a stalled event loop delivering a few at once
    t.true(inWindow <= 2 + 5 + 3, `${inWindow} dispatches within 500 ms`);
  }
});

test('max_concurrent_dispatches: never more requests out at once than the limit, and all get through', async (t) => {
  let current = 0;
  let peak = 0;
  let served = 0;
  const server = createServer((_req, res) => {
    current++;
    peak = Math.max(peak, current);
    setTimeout(() => {
      current--;
      served++;
      res.end('ok');
    }, 150);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`;
  const [queue] = await h.client.createQueue({
    parent: LOCATION,
    queue: { name: `${LOCATION}/queues/two-at-a-time`, rateLimits: { maxConcurrentDispatches: 2 } },
  });
  for (let i = 0; i < 8; i++) {
    await h.client.createTask({ parent: queue.name!, task: { httpRequest: { url } } });
  }
  await eventually(() => served === 8, 10_000);
  t.is(peak, 2);
});

test('update queue with a mask: rate limits change, the burst size follows the rate, other fields stay', async (t) => {
  const name = await h.createQueue('update-limits', { maxAttempts: 7 });
  const [updated] = await h.client.updateQueue({
    queue: {
      name,
      rateLimits: { maxDispatchesPerSecond: 50, maxConcurrentDispatches: 9 },
      retryConfig: { maxAttempts: 1 },
    },
    updateMask: { paths: ['rate_limits'] },
  });
  t.like(updated, {
    rateLimits: { maxDispatchesPerSecond: 50, maxBurstSize: 10, maxConcurrentDispatches: 9 },
    retryConfig: { maxAttempts: 7 },
  });
  t.is(
    await grpcCode(
      h.client.updateQueue({
        queue: { name, rateLimits: { maxDispatchesPerSecond: 501 } },
        updateMask: { paths: ['rate_limits'] },
      }),
    ),
    status.INVALID_ARGUMENT,
  );
});

test('purge removes pending tasks and keeps their names reserved; pause keeps tasks without dispatching them', async (t) => {
  const target = await startTarget();
  t.teardown(() => target.close());
  const queue = await h.createQueue('purge-pause');
  await h.client.pauseQueue({ name: queue });
  const task = (id: string) => ({ name: `${queue}/tasks/${id}`, httpRequest: { url: `${target.baseUrl}/${id}` } });
  await h.client.createTask({ parent: queue, task: task('a') });
  await h.client.createTask({ parent: queue, task: task('b') });
  await sleep(200);
  t.is(target.requests.length, 0);
  const [kept] = await h.client.listTasks({ parent: queue });
  t.is(kept.length, 2);
  const [purged] = await h.client.purgeQueue({ name: queue });
  t.truthy(purged.purgeTime);
  const [left] = await h.client.listTasks({ parent: queue });
  t.is(left.length, 0);
  t.is(await grpcCode(h.client.createTask({ parent: queue, task: task('a') })), status.ALREADY_EXISTS);
  await h.client.createTask({ parent: queue, task: task('c') });
  await h.client.resumeQueue({ name: queue });
  await eventually(() => target.requests.length === 1);
  t.is(target.requests[0]!.path, '/c');
});

test('delete queue: the name cannot be used again for the reservation period (FAILED_PRECONDITION), then it can', async (t) => {
  const name = await h.createQueue('deleted-queue');
  await h.client.deleteQueue({ name });
  t.is(await grpcCode(h.client.getQueue({ name })), status.NOT_FOUND);
  t.is(await grpcCode(h.createQueue('deleted-queue')), status.FAILED_PRECONDITION);
  await sleep(2100);
  t.is(await h.createQueue('deleted-queue'), name);
});
