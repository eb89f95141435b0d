/**
 * The Cloud Tasks adapter against the emulator, end to end. It lives here rather than beside the adapter because
 * the layering rules forbid shared/ from importing infra/ (even in tests), nor beside the emulator, which imports
 * nothing of the product's.
 */
import test from 'ava';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { type CloudTasksEmulator, startCloudTasksEmulator } from '../../infra/cloud-tasks-emulator/emulator.ts';
import { eventually, startTarget, type TestTarget, taskGone } from '../../infra/cloud-tasks-emulator/test-helpers.ts';
import {
  CloudTasksTaskQueue,
  createCloudTasksClient,
} from '../../shared/adapters/cloud-tasks/cloud-tasks-task-queue.ts';

const QUEUE = 'projects/demo/locations/asia-south1/queues/status-checks';
const SERVICE_ACCOUNT = 'status-tasks@demo.iam.gserviceaccount.com';
const AUDIENCE = 'https://status-checker.example';

let emulator: CloudTasksEmulator;
let target: TestTarget;
let client: ReturnType<typeof createCloudTasksClient>;
let queue: CloudTasksTaskQueue;

test.before(async () => {
  emulator = await startCloudTasksEmulator({ queues: [QUEUE] });
  target = await startTarget();
  client = createCloudTasksClient({ emulatorHost: emulator.endpoint });
  queue = new CloudTasksTaskQueue(client, {
    project: 'demo',
    location: 'asia-south1',
    queues: { 'status-checks': { queue: 'status-checks', url: `${target.baseUrl}/tasks/check-payment` } },
    serviceAccountEmail: SERVICE_ACCOUNT,
    audience: AUDIENCE,
  });
});
test.after.always(async () => {
  await client?.close();
  await emulator?.stop();
  await target?.close();
});

test('adapter: enqueue → created, dispatched as POST with our JSON body, task id and a verifiable OIDC token', async (t) => {
  const body = { orderId: 'order_9', check: 1 };
  const result = await queue.enqueue({
    queue: 'status-checks',
    id: 'order_9-check-1',
    body,
    scheduleTime: new Date(Date.now() + 200),
  });
  t.is(result, 'created');
  // both tests share the one status-check route: each picks out its own task's requests
  const mine = () =>
    target.at('/tasks/check-payment').filter((r) => r.headers['x-cloudtasks-taskname'] === 'order_9-check-1');
  const [request] = await eventually(() => mine().length > 0 && mine());
  t.is(request!.method, 'POST');
  t.is(request!.headers['content-type'], 'application/json');
  t.deepEqual(JSON.parse(request!.body), body);
  t.is(request!.headers['x-cloudtasks-queuename'], 'status-checks');
  t.is(request!.headers['x-cloudtasks-taskname'], 'order_9-check-1');
  const token = (request!.headers['authorization'] ?? '').replace(/^Bearer /, '');
  const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(emulator.jwksUrl)), {
    issuer: emulator.issuer,
    audience: AUDIENCE,
  });
  t.is(payload['email'], SERVICE_ACCOUNT);
  await taskGone(client, `${QUEUE}/tasks/order_9-check-1`);
});

test('adapter: the same id twice → already-exists, and only one dispatch', async (t) => {
  const enqueue = () =>
    queue.enqueue({
      queue: 'status-checks',
      id: 'order_7-check-1',
      body: { orderId: 'order_7' },
      scheduleTime: new Date(),
    });
  t.is(await enqueue(), 'created');
  t.is(await enqueue(), 'already-exists');
  await taskGone(client, `${QUEUE}/tasks/order_7-check-1`);
  t.is(await enqueue(), 'already-exists', 'still refused after completion (name reservation)');
  t.is(
    target.at('/tasks/check-payment').filter((r) => r.headers['x-cloudtasks-taskname'] === 'order_7-check-1').length,
    1,
  );
});
