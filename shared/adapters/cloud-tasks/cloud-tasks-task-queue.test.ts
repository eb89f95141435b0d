import type { protos } from '@google-cloud/tasks';
import { status } from '@grpc/grpc-js';
import test from 'ava';
import type { TaskRequest } from '../../ports/task-queue.ts';
import {
  CloudTasksTaskQueue,
  type CloudTasksTaskQueueOptions,
  type CreateTaskClient,
} from './cloud-tasks-task-queue.ts';

type CreateTaskRequest = protos.google.cloud.tasks.v2.ICreateTaskRequest;

/** Records requests; fails them with `failWith` when set (as google-gax does: an Error carrying a gRPC `code`). */
class FakeClient implements CreateTaskClient {
  readonly requests: CreateTaskRequest[] = [];
  failWith: number | undefined;
  async createTask(request: CreateTaskRequest): Promise<unknown> {
    this.requests.push(request);
    if (this.failWith !== undefined) throw Object.assign(new Error(`gRPC ${this.failWith}`), { code: this.failWith });
    return [request.task];
  }
}

const options: CloudTasksTaskQueueOptions = {
  project: 'demo',
  location: 'asia-south1',
  queues: { 'status-checks': { queue: 'status-checks-q', url: 'https://checker.example/base/tasks/check-payment' } },
};
const task: TaskRequest = {
  queue: 'status-checks',
  id: 'order_1-check-3',
  body: { orderId: 'order_1', attempt: 3 },
  scheduleTime: new Date('2030-01-02T03:04:05.678Z'),
};

test('enqueue: a named HTTP POST task with the JSON body, Content-Type and schedule time → created', async (t) => {
  const client = new FakeClient();
  t.is(await new CloudTasksTaskQueue(client, options).enqueue(task), 'created');
  const [request] = client.requests;
  const parent = 'projects/demo/locations/asia-south1/queues/status-checks-q';
  t.is(request?.parent, parent);
  t.is(request?.task?.name, `${parent}/tasks/order_1-check-3`);
  t.deepEqual(request?.task?.scheduleTime, { seconds: Date.parse('2030-01-02T03:04:05Z') / 1000, nanos: 678_000_000 });
  const http = request?.task?.httpRequest;
  t.is(http?.httpMethod, 'POST');
  t.is(http?.url, 'https://checker.example/base/tasks/check-payment');
  t.deepEqual(http?.headers, { 'Content-Type': 'application/json' });
  t.deepEqual(JSON.parse(Buffer.from(http?.body as Uint8Array).toString('utf8')), task.body);
  t.is(http?.oidcToken, undefined);
});

test('enqueue: with a service account → the task carries an oidcToken (and the audience when configured)', async (t) => {
  const client = new FakeClient();
  const sa = 'tasks@demo.iam.gserviceaccount.com';
  await new CloudTasksTaskQueue(client, { ...options, serviceAccountEmail: sa }).enqueue(task);
  await new CloudTasksTaskQueue(client, { ...options, serviceAccountEmail: sa, audience: 'https://aud' }).enqueue(task);
  t.deepEqual(client.requests[0]?.task?.httpRequest?.oidcToken, { serviceAccountEmail: sa });
  t.deepEqual(client.requests[1]?.task?.httpRequest?.oidcToken, { serviceAccountEmail: sa, audience: 'https://aud' });
});

test('enqueue: ALREADY_EXISTS → already-exists; any other error propagates', async (t) => {
  const client = new FakeClient();
  const queue = new CloudTasksTaskQueue(client, options);
  client.failWith = status.ALREADY_EXISTS;
  t.is(await queue.enqueue(task), 'already-exists');
  client.failWith = status.UNAVAILABLE;
  await t.throwsAsync(queue.enqueue(task), { message: `gRPC ${status.UNAVAILABLE}` });
});

test('enqueue: a queue missing from the configuration → error, nothing sent', async (t) => {
  const client = new FakeClient();
  const queue = new CloudTasksTaskQueue(client, { ...options, queues: {} as CloudTasksTaskQueueOptions['queues'] });
  await t.throwsAsync(queue.enqueue(task), { message: /No Cloud Tasks queue configured/ });
  t.is(client.requests.length, 0);
});
