import { status } from '@grpc/grpc-js';
import test from 'ava';
import { grpcCode, type Harness, LOCATION, protoMs, startHarness } from './test-helpers.ts';

let h: Harness;
test.before(async () => {
  h = await startHarness();
});
test.after.always(async () => {
  await h?.stop();
});

const farFuture = () => protoMs(Date.now() + 3_600_000);

test('create/get/list queue: created RUNNING with the default RetryConfig, found by get and list', async (t) => {
  const created = await h.createQueue('queues-a');
  await h.createQueue('queues-b');
  const [queue] = await h.client.getQueue({ name: created });
  t.is(queue.name, `${LOCATION}/queues/queues-a`);
  t.is(queue.state, 'RUNNING');
  t.is(queue.retryConfig?.maxAttempts, 100);
  t.is(queue.retryConfig?.maxDoublings, 16);
  t.is(Number(queue.retryConfig?.maxBackoff?.seconds), 3600);
  t.is(queue.retryConfig?.minBackoff?.nanos, 100_000_000);
  const [queues] = await h.client.listQueues({ parent: LOCATION });
  t.true(queues.some((q) => q.name === `${LOCATION}/queues/queues-a`));
  t.true(queues.some((q) => q.name === `${LOCATION}/queues/queues-b`));
  const [otherLocation] = await h.client.listQueues({ parent: 'projects/test-project/locations/elsewhere' });
  t.deepEqual(otherLocation, []);
});

test('create queue: same name again → ALREADY_EXISTS; missing queue → NOT_FOUND; bad name → INVALID_ARGUMENT', async (t) => {
  await h.createQueue('queues-dup');
  t.is(await grpcCode(h.createQueue('queues-dup')), status.ALREADY_EXISTS);
  t.is(await grpcCode(h.client.getQueue({ name: `${LOCATION}/queues/nope` })), status.NOT_FOUND);
  t.is(await grpcCode(h.createQueue('bad_underscore')), status.INVALID_ARGUMENT);
});

test('list queues: page_size pages through every queue with next_page_token', async (t) => {
  const parent = 'projects/test-project/locations/paging';
  for (const id of ['p1', 'p2', 'p3']) {
    await h.client.createQueue({ parent, queue: { name: `${parent}/queues/${id}` } });
  }
  const [page1, , response1] = await h.client.listQueues({ parent, pageSize: 2 }, { autoPaginate: false });
  t.is(page1.length, 2);
  t.truthy(response1?.nextPageToken);
  const [page2, , response2] = await h.client.listQueues(
    { parent, pageSize: 2, pageToken: response1!.nextPageToken! },
    { autoPaginate: false },
  );
  t.deepEqual(
    [...page1, ...page2].map((q) => q.name),
    ['p1', 'p2', 'p3'].map((id) => `${parent}/queues/${id}`),
  );
  t.falsy(response2?.nextPageToken);
});

test('update queue: changes the RetryConfig fields given, keeps the others', async (t) => {
  const name = await h.createQueue('queues-update');
  const [updated] = await h.client.updateQueue({
    queue: { name, retryConfig: { maxAttempts: 7 } },
    updateMask: { paths: ['retry_config.max_attempts'] },
  });
  t.is(updated.retryConfig?.maxAttempts, 7);
  t.is(updated.retryConfig?.maxDoublings, 16);
});

test('pause/resume queue: state follows; purge deletes its tasks; delete queue → NOT_FOUND afterwards', async (t) => {
  const name = await h.createQueue('queues-lifecycle');
  t.is((await h.client.pauseQueue({ name }))[0].state, 'PAUSED');
  t.is((await h.client.resumeQueue({ name }))[0].state, 'RUNNING');
  await h.client.createTask({
    parent: name,
    task: { scheduleTime: farFuture(), httpRequest: { url: 'http://127.0.0.1:9/never' } },
  });
  t.is((await h.client.listTasks({ parent: name }))[0].length, 1);
  const [purged] = await h.client.purgeQueue({ name });
  t.truthy(purged.purgeTime);
  t.deepEqual((await h.client.listTasks({ parent: name }))[0], []);
  await h.client.deleteQueue({ name });
  t.is(await grpcCode(h.client.getQueue({ name })), status.NOT_FOUND);
});

test('list tasks: BASIC view leaves the body out, FULL includes it', async (t) => {
  const name = await h.createQueue('queues-views');
  await h.client.createTask({
    parent: name,
    task: { scheduleTime: farFuture(), httpRequest: { url: 'http://127.0.0.1:9/x', body: Buffer.from('payload') } },
  });
  const [basic] = await h.client.listTasks({ parent: name });
  t.is(basic[0]?.view, 'BASIC');
  t.is(Buffer.from(basic[0]?.httpRequest?.body ?? []).length, 0);
  const [full] = await h.client.listTasks({ parent: name, responseView: 'FULL' });
  t.is(full[0]?.view, 'FULL');
  t.is(Buffer.from(full[0]?.httpRequest?.body ?? []).toString(), 'payload');
});

test('methods the emulator does not implement (IAM) → UNIMPLEMENTED', async (t) => {
  const name = await h.createQueue('queues-iam');
  t.is(await grpcCode(h.client.getIamPolicy({ resource: name })), status.UNIMPLEMENTED);
});
