import { status } from '@grpc/grpc-js';
import test from 'ava';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { LogEntry } from './log.ts';
import {
  eventually,
  grpcCode,
  type Harness,
  protoMs,
  sleep,
  startHarness,
  startTarget,
  taskGone,
} from './test-helpers.ts';

const logs: LogEntry[] = [];
let h: Harness;
test.before(async () => {
  h = await startHarness({ log: (entry) => logs.push(entry) });
});
test.after.always(async () => {
  await h?.stop();
});

/** Tiny backoffs so retries happen within a test's patience. */
const fastRetries = (overrides: { maxAttempts?: number; maxRetryDuration?: { seconds: number; nanos: number } }) => ({
  minBackoff: protoMs(50),
  maxBackoff: protoMs(50),
  maxDoublings: 0,
  ...overrides,
});

const gone = (name: string) => taskGone(h.client, name);

test('create task → dispatched to its URL with method, headers, body and the X-CloudTasks-* headers', async (t) => {
  const target = await startTarget();
  t.teardown(() => target.close());
  const queue = await h.createQueue('dispatch-basic');
  const [task] = await h.client.createTask({
    parent: queue,
    task: {
      name: `${queue}/tasks/order-42_check`,
      httpRequest: {
        httpMethod: 'PUT',
        url: `${target.baseUrl}/tasks/check?x=1`,
        headers: { 'Content-Type': 'application/json', 'X-Custom': 'kept', 'User-Agent': 'replaced' },
        body: Buffer.from('{"orderId":"42"}'),
      },
    },
  });
  const [request] = await eventually(() => target.requests.length > 0 && target.requests);
  t.is(request!.method, 'PUT');
  t.is(request!.path, '/tasks/check?x=1');
  t.is(request!.body, '{"orderId":"42"}');
  t.is(request!.headers['content-type'], 'application/json');
  t.is(request!.headers['x-custom'], 'kept');
  t.is(request!.headers['user-agent'], 'Google-Cloud-Tasks');
  t.is(request!.headers['x-cloudtasks-queuename'], 'dispatch-basic');
  t.is(request!.headers['x-cloudtasks-taskname'], 'order-42_check');
  t.is(request!.headers['x-cloudtasks-taskretrycount'], '0');
  t.is(request!.headers['x-cloudtasks-taskexecutioncount'], '0');
  const scheduleS = Number(task.scheduleTime!.seconds) + task.scheduleTime!.nanos! / 1e9;
  t.is(Number(request!.headers['x-cloudtasks-tasketa']).toFixed(3), scheduleS.toFixed(3));
  t.is(request!.headers['authorization'], undefined);
  await gone(task.name!); // 2xx → done, deleted
});

test('create task without a name → the emulator names it, and dispatches it', async (t) => {
  const target = await startTarget();
  t.teardown(() => target.close());
  const queue = await h.createQueue('dispatch-unnamed');
  const [task] = await h.client.createTask({ parent: queue, task: { httpRequest: { url: `${target.baseUrl}/u` } } });
  t.regex(task.name!, new RegExp(`^${queue}/tasks/\\d+$`));
  const [request] = await eventually(() => target.requests.length > 0 && target.requests);
  t.is(request!.headers['x-cloudtasks-taskname'], task.name!.split('/').pop());
});

test('schedule time respected: nothing is sent before it, the request comes after it', async (t) => {
  const target = await startTarget();
  t.teardown(() => target.close());
  const queue = await h.createQueue('dispatch-scheduled');
  const scheduleMs = Date.now() + 1000;
  const [task] = await h.client.createTask({
    parent: queue,
    task: { scheduleTime: protoMs(scheduleMs), httpRequest: { url: `${target.baseUrl}/later` } },
  });
  const [pending] = await h.client.getTask({ name: task.name! });
  t.is(pending.dispatchCount, 0);
  t.is(target.requests.length, 0);
  const [request] = await eventually(() => target.requests.length > 0 && target.requests);
  t.true(request!.receivedAtMs >= scheduleMs, `received ${scheduleMs - request!.receivedAtMs} ms early`);
});

test('non-2xx → retried with retry count incrementing (500, 404, then 200 → done)', async (t) => {
  const statuses = [500, 404, 200];
  const target = await startTarget((_, previous) => statuses[previous] ?? 200);
  t.teardown(() => target.close());
  const queue = await h.createQueue('dispatch-retry', fastRetries({ maxAttempts: 10 }));
  const [task] = await h.client.createTask({ parent: queue, task: { httpRequest: { url: `${target.baseUrl}/r` } } });
  await gone(task.name!);
  const attempts = target.at('/r');
  t.deepEqual(
    attempts.map((r) => r.headers['x-cloudtasks-taskretrycount']),
    ['0', '1', '2'],
  );
  // Execution count leaves 5xx failures out ("does not include failures due to 5XX error codes").
  t.deepEqual(
    attempts.map((r) => r.headers['x-cloudtasks-taskexecutioncount']),
    ['0', '0', '1'],
  );
  t.deepEqual(
    attempts.map((r) => r.headers['x-cloudtasks-taskpreviousresponse']),
    [undefined, '500', '404'],
  );
});

test('failed attempts are recorded on the task: dispatchCount, responseCount, firstAttempt, lastAttempt', async (t) => {
  const target = await startTarget(() => 503);
  t.teardown(() => target.close());
  const queue = await h.createQueue('dispatch-record', fastRetries({ maxAttempts: -1 }));
  const [created] = await h.client.createTask({ parent: queue, task: { httpRequest: { url: `${target.baseUrl}/f` } } });
  // Caught between two attempts: the last one has its response recorded, the next is not out yet.
  const task = await eventually(async () => {
    const [current] = await h.client.getTask({ name: created.name! });
    return (current.responseCount ?? 0) >= 2 && current.lastAttempt?.responseTime ? current : false;
  });
  t.is(task.dispatchCount, task.responseCount);
  t.truthy(task.firstAttempt?.dispatchTime);
  t.falsy(task.firstAttempt?.responseTime, 'only dispatch_time is kept for the first attempt');
  t.truthy(task.lastAttempt?.scheduleTime);
  t.truthy(task.lastAttempt?.dispatchTime);
  t.is(task.lastAttempt?.responseStatus?.code, status.UNAVAILABLE); // HTTP 503
  t.true(Number(task.scheduleTime?.seconds) >= Number(task.lastAttempt?.dispatchTime?.seconds), 'rescheduled');
  await h.client.deleteTask({ name: created.name! }); // stop the endless retries
});

test('stops after maxAttempts (max_retry_duration unset): task deleted, with a log line', async (t) => {
  const target = await startTarget(() => 500);
  t.teardown(() => target.close());
  const queue = await h.createQueue('dispatch-max-attempts', fastRetries({ maxAttempts: 3 }));
  const [task] = await h.client.createTask({ parent: queue, task: { httpRequest: { url: `${target.baseUrl}/m` } } });
  await gone(task.name!);
  t.is(target.at('/m').length, 3);
  t.true(logs.some((l) => l.severity === 'WARNING' && l['task'] === task.name && /retries exhausted/.test(l.message)));
  await sleep(300);
  t.is(target.at('/m').length, 3, 'no attempt after the task was deleted');
});

test('maxAttempts spent but max_retry_duration not → keeps retrying until the duration is spent too', async (t) => {
  const target = await startTarget(() => 500);
  t.teardown(() => target.close());
  const queue = await h.createQueue(
    'dispatch-max-duration',
    // a duration long enough that a loaded machine still fits several fast retries into it
    fastRetries({ maxAttempts: 2, maxRetryDuration: protoMs(2_000) }),
  );
  const createdAtMs = Date.now();
  const [task] = await h.client.createTask({ parent: queue, task: { httpRequest: { url: `${target.baseUrl}/d` } } });
  await gone(task.name!);
  t.true(target.at('/d').length > 2, `only ${target.at('/d').length} attempts`);
  t.true(Date.now() - createdAtMs >= 2_000, 'deleted before max_retry_duration had passed');
});

test('run task → dispatched now, even if scheduled an hour ahead; done after 2xx', async (t) => {
  const target = await startTarget();
  t.teardown(() => target.close());
  const queue = await h.createQueue('dispatch-run');
  const [task] = await h.client.createTask({
    parent: queue,
    task: { scheduleTime: protoMs(Date.now() + 3_600_000), httpRequest: { url: `${target.baseUrl}/run` } },
  });
  const [ran] = await h.client.runTask({ name: task.name! });
  t.is(ran.dispatchCount, 1);
  t.truthy(ran.lastAttempt?.dispatchTime);
  await eventually(() => target.at('/run').length === 1);
  await gone(task.name!);
  t.is(await grpcCode(h.client.runTask({ name: task.name! })), status.NOT_FOUND);
});

test('paused queue: nothing dispatched until resumed', async (t) => {
  const target = await startTarget();
  t.teardown(() => target.close());
  const queue = await h.createQueue('dispatch-paused');
  await h.client.pauseQueue({ name: queue });
  await h.client.createTask({ parent: queue, task: { httpRequest: { url: `${target.baseUrl}/p` } } });
  await sleep(300);
  t.is(target.requests.length, 0);
  await h.client.resumeQueue({ name: queue });
  await eventually(() => target.requests.length === 1);
  t.pass();
});

test('OIDC: Bearer token verifiable with createRemoteJWKSet(jwksUrl), with the right iss, aud and email', async (t) => {
  const target = await startTarget();
  t.teardown(() => target.close());
  const queue = await h.createQueue('dispatch-oidc');
  const serviceAccountEmail = 'tasks-invoker@test-project.iam.gserviceaccount.com';
  const url = `${target.baseUrl}/secure`;
  await h.client.createTask({
    parent: queue,
    task: {
      httpRequest: {
        url,
        headers: { Authorization: 'Bearer forged' }, // overridden by the generated token
        oidcToken: { serviceAccountEmail, audience: 'https://status-checker.example' },
      },
    },
  });
  await h.client.createTask({ parent: queue, task: { httpRequest: { url, oidcToken: { serviceAccountEmail } } } });
  const requests = await eventually(() => target.at('/secure').length === 2 && target.at('/secure'));
  const jwks = createRemoteJWKSet(new URL(h.emulator.jwksUrl));
  const tokens = requests.map((r) => (r.headers['authorization'] ?? '').replace(/^Bearer /, ''));
  const audiences = [];
  for (const token of tokens) {
    const { payload, protectedHeader } = await jwtVerify(token, jwks, {
      issuer: h.emulator.issuer,
      algorithms: ['RS256'],
    });
    t.is(protectedHeader.alg, 'RS256');
    t.is(payload['email'], serviceAccountEmail);
    t.is(payload['email_verified'], true);
    t.regex(payload.sub ?? '', /^\d{21}$/);
    t.is((payload.exp ?? 0) - (payload.iat ?? 0), 3600);
    audiences.push(payload.aud);
  }
  // With an audience it is used; without one, the task's URL is.
  t.deepEqual(audiences.sort(), ['https://status-checker.example', url].sort());
  t.is(h.emulator.issuer, `http://127.0.0.1:${h.emulator.httpPort}`);
  const discovery = (await (await fetch(`${h.emulator.issuer}/.well-known/openid-configuration`)).json()) as {
    jwks_uri: string;
  };
  t.is(discovery.jwks_uri, h.emulator.jwksUrl);
});
