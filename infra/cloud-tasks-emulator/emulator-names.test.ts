import type { protos } from '@google-cloud/tasks';
import { status } from '@grpc/grpc-js';
import test from 'ava';
import {
  eventually,
  grpcCode,
  type Harness,
  LOCATION,
  protoMs,
  startHarness,
  startTarget,
  taskGone,
} from './test-helpers.ts';

const RESERVATION_MS = 3000; // generous: under a loaded CI machine a handful of calls can take a second
let h: Harness;
test.before(async () => {
  h = await startHarness({ nameReservationMs: RESERVATION_MS });
});
test.after.always(async () => {
  await h?.stop();
});

type Task = protos.google.cloud.tasks.v2.ITask;
const gone = (name: string) => taskGone(h.client, name);
const later = (ms = 3_600_000) => protoMs(Date.now() + ms);
const httpTask = (overrides: Task = {}): Task => ({
  scheduleTime: later(),
  httpRequest: { url: 'http://127.0.0.1:9/never' },
  ...overrides,
});

test('create task: duplicate name → ALREADY_EXISTS', async (t) => {
  const queue = await h.createQueue('names-dup');
  const name = `${queue}/tasks/dup-1`;
  await h.client.createTask({ parent: queue, task: httpTask({ name }) });
  t.is(await grpcCode(h.client.createTask({ parent: queue, task: httpTask({ name }) })), status.ALREADY_EXISTS);
});

test('create task: name still refused after completion within the reservation window, accepted after it', async (t) => {
  const target = await startTarget();
  t.teardown(() => target.close());
  const queue = await h.createQueue('names-reserved');
  const name = `${queue}/tasks/done-once`;
  const task = (): Task => ({ name, httpRequest: { url: `${target.baseUrl}/once` } });
  await h.client.createTask({ parent: queue, task: task() });
  await gone(name);
  t.is(await grpcCode(h.client.createTask({ parent: queue, task: task() })), status.ALREADY_EXISTS);
  // Poll until the name frees up; it must not free up before the window has passed.
  await eventually(() =>
    h.client.createTask({ parent: queue, task: task() }).then(
      () => true,
      (error: { code?: number }) => (error.code === status.ALREADY_EXISTS ? false : Promise.reject(error)),
    ),
  );
  // The task completed after its target received it, so the window cannot have ended earlier than this.
  const completedNotBeforeMs = target.at('/once')[0]!.receivedAtMs;
  t.true(Date.now() - completedNotBeforeMs >= RESERVATION_MS, 'name freed before the reservation window ended');
  await eventually(() => target.at('/once').length === 2);
  await gone(name);
});

test('delete task → gone (NOT_FOUND), and its name stays reserved', async (t) => {
  const queue = await h.createQueue('names-delete');
  const name = `${queue}/tasks/to-delete`;
  await h.client.createTask({ parent: queue, task: httpTask({ name }) });
  await h.client.deleteTask({ name });
  t.is(await grpcCode(h.client.getTask({ name })), status.NOT_FOUND);
  t.is(await grpcCode(h.client.deleteTask({ name })), status.NOT_FOUND);
  t.deepEqual((await h.client.listTasks({ parent: queue }))[0], []);
  t.is(await grpcCode(h.client.createTask({ parent: queue, task: httpTask({ name }) })), status.ALREADY_EXISTS);
});

test('create task: invalid names → INVALID_ARGUMENT', async (t) => {
  const queue = await h.createQueue('names-invalid');
  for (const name of [
    `${queue}/tasks/has space`,
    `${queue}/tasks/dot.ted`,
    `${queue}/tasks/${'a'.repeat(501)}`,
    `${queue}/tasks/`,
    `${LOCATION}/queues/another-queue/tasks/ok-id`, // not under the request's parent
    'just-an-id',
  ]) {
    t.is(
      await grpcCode(h.client.createTask({ parent: queue, task: httpTask({ name }) })),
      status.INVALID_ARGUMENT,
      name,
    );
  }
  // The longest legal id is accepted.
  await h.client.createTask({ parent: queue, task: httpTask({ name: `${queue}/tasks/${'a'.repeat(500)}` }) });
});

test('create task: queue that does not exist → NOT_FOUND', async (t) => {
  const parent = `${LOCATION}/queues/names-missing`;
  t.is(await grpcCode(h.client.createTask({ parent, task: httpTask() })), status.NOT_FOUND);
});

test('create task: schedule time more than 30 days ahead → INVALID_ARGUMENT (29 days is fine)', async (t) => {
  const queue = await h.createQueue('names-schedule');
  const day = 24 * 3_600_000;
  const create = (ms: number) => h.client.createTask({ parent: queue, task: httpTask({ scheduleTime: later(ms) }) });
  t.is(await grpcCode(create(31 * day)), status.INVALID_ARGUMENT);
  await t.notThrowsAsync(create(29 * day));
});

test('create task: dispatch deadline outside [15 s, 30 min] → INVALID_ARGUMENT; default 10 min', async (t) => {
  const queue = await h.createQueue('names-deadline');
  const create = (ms?: number) =>
    h.client.createTask({ parent: queue, task: httpTask(ms === undefined ? {} : { dispatchDeadline: protoMs(ms) }) });
  t.is(await grpcCode(create(14_000)), status.INVALID_ARGUMENT);
  t.is(await grpcCode(create(30 * 60_000 + 1_000)), status.INVALID_ARGUMENT);
  t.is(Number((await create(15_000))[0].dispatchDeadline?.seconds), 15);
  t.is(Number((await create(30 * 60_000))[0].dispatchDeadline?.seconds), 1800);
  t.is(Number((await create())[0].dispatchDeadline?.seconds), 600);
});

test('create task: body over 1 MB → INVALID_ARGUMENT (exactly 1 MB is fine); body with GET → INVALID_ARGUMENT', async (t) => {
  const queue = await h.createQueue('names-body');
  const withBody = (bytes: number, httpMethod: 'POST' | 'GET' = 'POST') =>
    h.client.createTask({
      parent: queue,
      task: httpTask({ httpRequest: { url: 'http://127.0.0.1:9/x', httpMethod, body: Buffer.alloc(bytes, 120) } }),
    });
  t.is(await grpcCode(withBody(1024 * 1024 + 1)), status.INVALID_ARGUMENT);
  await t.notThrowsAsync(withBody(1024 * 1024));
  t.is(await grpcCode(withBody(10, 'GET')), status.INVALID_ARGUMENT);
});

test('create task: no http_request, or a URL that is not http(s) → INVALID_ARGUMENT', async (t) => {
  const queue = await h.createQueue('names-target');
  t.is(
    await grpcCode(h.client.createTask({ parent: queue, task: { scheduleTime: later() } })),
    status.INVALID_ARGUMENT,
  );
  const ftp = httpTask({ httpRequest: { url: 'ftp://example.com/file' } });
  t.is(await grpcCode(h.client.createTask({ parent: queue, task: ftp })), status.INVALID_ARGUMENT);
});
