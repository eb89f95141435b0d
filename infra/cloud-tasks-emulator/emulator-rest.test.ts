import { connect } from 'node:net';
import test from 'ava';
import type { CloudTasksEmulator } from './emulator.ts';
import { startCloudTasksEmulator } from './emulator.ts';
import { eventually, startTarget, tasksClient } from './test-helpers.ts';

const PARENT = 'projects/rest-project/locations/us-east1';
let emulator: CloudTasksEmulator;
test.before(async () => {
  emulator = await startCloudTasksEmulator();
});
test.after.always(async () => {
  await emulator?.stop();
});

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(new URL(path, emulator.restEndpoint), {
    method,
    ...(body === undefined
      ? {}
      : {
          body: typeof body === 'string' ? body : JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        }),
  });
  return { status: response.status, json: await response.json() };
}

test('REST speaks proto3 JSON: durations "0.500s", enums as names, RFC 3339 timestamps, bytes in base64', async (t) => {
  const created = await call('POST', `v2/${PARENT}/queues?alt=json`, {
    name: `${PARENT}/queues/json-shapes`,
    retryConfig: { maxAttempts: 4, minBackoff: '0.5s' },
  });
  t.is(created.status, 200);
  t.like(created.json, {
    name: `${PARENT}/queues/json-shapes`,
    state: 'RUNNING',
    retryConfig: { maxAttempts: 4, minBackoff: '0.500s', maxBackoff: '3600s', maxDoublings: 16 },
    rateLimits: { maxDispatchesPerSecond: 500, maxBurstSize: 100, maxConcurrentDispatches: 1000 },
  });
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
  const task = await call('POST', `v2/${PARENT}/queues/json-shapes/tasks`, {
    task: {
      name: `${PARENT}/queues/json-shapes/tasks/t1`,
      scheduleTime: tomorrow,
      httpRequest: { url: 'http://127.0.0.1:9/x', httpMethod: 'PUT', body: Buffer.from('payload').toString('base64') },
    },
    responseView: 'FULL',
  });
  t.is(task.status, 200);
  t.like(task.json, {
    view: 'FULL',
    dispatchDeadline: '600s',
    httpRequest: { httpMethod: 'PUT', body: Buffer.from('payload').toString('base64') },
  });
  t.is(Date.parse(task.json.scheduleTime), Date.parse(tomorrow));
  t.regex(task.json.createTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.000)?Z$/);
  const basic = await call('GET', `v2/${PARENT}/queues/json-shapes/tasks/t1`);
  t.is(basic.json.httpRequest.body, undefined, 'BASIC view leaves the body out');
  const full = await call('GET', `v2/${PARENT}/queues/json-shapes/tasks/t1?responseView=FULL`);
  t.is(full.json.httpRequest.body, Buffer.from('payload').toString('base64'));
});

test('REST custom verbs :pause, :resume, :purge, :run and PATCH with updateMask work on the same state', async (t) => {
  const target = await startTarget();
  t.teardown(() => target.close());
  const queue = `${PARENT}/queues/verbs`;
  await call('POST', `v2/${PARENT}/queues`, { name: queue });
  t.like((await call('POST', `v2/${queue}:pause`, {})).json, { state: 'PAUSED' });
  await call('POST', `v2/${queue}/tasks`, {
    task: { name: `${queue}/tasks/run-me`, httpRequest: { url: `${target.baseUrl}/run` } },
  });
  const ran = await call('POST', `v2/${queue}/tasks/run-me:run`, {});
  t.is(ran.json.dispatchCount, 1);
  await eventually(() => target.at('/run').length === 1);
  t.like((await call('POST', `v2/${queue}:resume`, {})).json, { state: 'RUNNING' });
  const patched = await call('PATCH', `v2/${queue}?updateMask=retryConfig.maxAttempts`, {
    name: queue,
    retryConfig: { maxAttempts: 9 },
  });
  t.like(patched.json, { retryConfig: { maxAttempts: 9 } });
  const purged = await call('POST', `v2/${queue}:purge`, {});
  t.is(purged.status, 200);
  t.truthy(purged.json.purgeTime);
  t.deepEqual((await call('DELETE', `v2/${queue}`)).json, {});
});

test('REST errors are Google error JSON with the HTTP and canonical codes; unknown paths 404, never a hang', async (t) => {
  t.deepEqual((await call('GET', `v2/${PARENT}/queues/missing`)).json, {
    error: {
      code: 404,
      message: `Requested entity was not found: queue ${PARENT}/queues/missing`,
      status: 'NOT_FOUND',
    },
  });
  const unknown = await call('GET', 'v9/nothing/here');
  t.is(unknown.status, 404);
  t.like(unknown.json, { error: { code: 404, status: 'NOT_FOUND' } });
  const wrongVerb = await call('PUT', `v2/${PARENT}/queues`);
  t.like(wrongVerb.json, { error: { code: 404, status: 'NOT_FOUND' } });
  const garbage = await call('POST', `v2/${PARENT}/queues`, '{"name": ');
  t.like(garbage.json, { error: { code: 400, status: 'INVALID_ARGUMENT' } });
  const badField = await call('POST', `v2/${PARENT}/queues`, { name: `${PARENT}/queues/x`, noSuchField: 1 });
  t.like(badField.json, { error: { code: 400, status: 'INVALID_ARGUMENT' } });
  await call('POST', `v1/${PARENT}/jobs`, {
    name: `${PARENT}/jobs/dup`,
    schedule: '0 0 1 1 *',
    httpTarget: { uri: 'http://127.0.0.1:9/' },
  });
  const dup = await call('POST', `v1/${PARENT}/jobs`, {
    name: `${PARENT}/jobs/dup`,
    schedule: '0 0 1 1 *',
    httpTarget: { uri: 'http://127.0.0.1:9/' },
  });
  t.like(dup.json, { error: { code: 409, status: 'ALREADY_EXISTS' } });
  const badZone = await call('POST', `v1/${PARENT}/jobs`, {
    schedule: '* * * * *',
    timeZone: 'Nowhere/Land',
    httpTarget: { uri: 'http://127.0.0.1:9/' },
  });
  t.like(badZone.json, {
    error: { code: 400, status: 'INVALID_ARGUMENT', message: 'Schedule or time zone is invalid.' },
  });
});

test('binary garbage on the HTTP port gets a 400 and the server keeps serving', async (t) => {
  const reply = await new Promise<string>((resolve, reject) => {
    const socket = connect(emulator.httpPort, '127.0.0.1');
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk.toString('latin1');
    });
    socket.on('close', () => resolve(data));
    socket.on('error', reject);
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer')));
    socket.write(
      Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03, 0x0d, 0x0a, 0x0d, 0x0a]),
    );
  });
  t.regex(reply, /^HTTP\/1\.1 400/);
  t.is((await call('GET', 'v2/projects/rest-project/locations')).status, 200, 'still serving');
  t.is((await fetch(emulator.jwksUrl)).status, 200);
});

test('the Locations API lists the configured location and those in use (what gcloud asks for)', async (t) => {
  await call('POST', `v2/${PARENT}/queues`, { name: `${PARENT}/queues/located` });
  const listed = await call('GET', 'v2/projects/rest-project/locations?pageSize=100');
  t.deepEqual(
    listed.json.locations.map((l: { locationId: string }) => l.locationId),
    ['us-central1', 'us-east1'],
  );
  t.like((await call('GET', 'v1/projects/rest-project/locations/us-east1')).json, {
    name: 'projects/rest-project/locations/us-east1',
    locationId: 'us-east1',
  });
});

test('the unmodified CloudTasksClient works over REST (fallback: "rest"): queue, task, dispatch', async (t) => {
  const target = await startTarget();
  const client = tasksClient(emulator, 'rest');
  t.teardown(async () => {
    await client.close();
    await target.close();
  });
  const [queue] = await client.createQueue({ parent: PARENT, queue: { name: `${PARENT}/queues/rest-client` } });
  const [task] = await client.createTask({
    parent: queue.name!,
    task: { httpRequest: { url: `${target.baseUrl}/via-rest`, body: Buffer.from('hi') } },
  });
  t.regex(task.name!, /\/tasks\/\d{19}$/);
  const request = await eventually(() => target.at('/via-rest')[0]);
  t.is(request.body, 'hi');
  const [queues] = await client.listQueues({ parent: PARENT });
  t.true(queues.some((q) => q.name === queue.name));
});

test('GET / is a self-refreshing page listing queues with their tasks and jobs, with every value escaped', async (t) => {
  const queue = `${PARENT}/queues/page`;
  await call('POST', `v2/${PARENT}/queues`, { name: queue });
  await call('POST', `v2/${queue}:pause`, {});
  await call('POST', `v2/${queue}/tasks`, {
    task: { name: `${queue}/tasks/shown`, httpRequest: { url: 'http://127.0.0.1:9/?q=<script>alert(1)</script>' } },
  });
  await call('POST', `v1/${PARENT}/jobs`, {
    name: `${PARENT}/jobs/page-job`,
    schedule: '0 9 * * *',
    timeZone: 'Asia/Kolkata',
    httpTarget: { uri: 'http://127.0.0.1:9/job' },
  });
  const response = await fetch(emulator.restEndpoint);
  t.is(response.status, 200);
  t.regex(response.headers.get('content-type') ?? '', /^text\/html/);
  const html = await response.text();
  t.regex(html, /<meta http-equiv="refresh"/);
  t.true(html.includes(queue));
  t.true(html.includes('PAUSED'));
  t.true(html.includes('<td>shown</td>'));
  t.true(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  t.false(html.includes('<script>'));
  t.true(html.includes(`${PARENT}/jobs/page-job`));
  t.true(html.includes('0 9 * * * (Asia/Kolkata)'));
});
