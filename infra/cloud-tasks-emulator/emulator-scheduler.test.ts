import type { CloudSchedulerClient } from '@google-cloud/scheduler';
import { status } from '@grpc/grpc-js';
import test from 'ava';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { CloudTasksEmulator } from './emulator.ts';
import { startCloudTasksEmulator } from './emulator.ts';
import { eventually, grpcCode, protoMs, schedulerClient, sleep, startTarget, type Transport } from './test-helpers.ts';

const PARENT = 'projects/sched-project/locations/europe-west1';
let emulator: CloudTasksEmulator;
const clients = {} as Record<Transport, CloudSchedulerClient>;

test.before(async () => {
  emulator = await startCloudTasksEmulator();
  clients.grpc = schedulerClient(emulator, 'grpc');
  clients.rest = schedulerClient(emulator, 'rest');
});
test.after.always(async () => {
  await Promise.all(Object.values(clients).map((client) => client.close()));
  await emulator?.stop();
});

const seconds = (time: { seconds?: unknown; nanos?: number | null } | null | undefined): number =>
  Number(time?.seconds ?? 0) + (time?.nanos ?? 0) / 1e9;

/** A far-off schedule, so only RunJob makes these jobs fire during a test. */
const YEARLY = '0 0 1 1 *';

for (const transport of ['grpc', 'rest'] as const) {
  const job = (id: string) => `${PARENT}/jobs/${transport}-${id}`;

  test(`${transport}: create → ENABLED with the service's defaults and a next scheduleTime; get, list (paged), delete`, async (t) => {
    const client = clients[transport];
    const names = ['list-a', 'list-b', 'list-c'].map(job);
    for (const name of names) {
      await client.createJob({
        parent: PARENT,
        job: { name, schedule: '*/10 * * * *', httpTarget: { uri: 'http://127.0.0.1:9/never' } },
      });
    }
    const [got] = await client.getJob({ name: names[0]! });
    t.like(got, {
      name: names[0],
      schedule: '*/10 * * * *',
      timeZone: 'Etc/UTC',
      state: 'ENABLED',
      httpTarget: { uri: 'http://127.0.0.1:9/never', httpMethod: 'POST' },
      retryConfig: { retryCount: 0, maxDoublings: 5 },
    });
    t.is(seconds(got.attemptDeadline), 180);
    t.is(seconds(got.retryConfig?.minBackoffDuration), 5);
    t.is(seconds(got.retryConfig?.maxBackoffDuration), 3600);
    const next = seconds(got.scheduleTime);
    t.true(next > Date.now() / 1000 && next <= Date.now() / 1000 + 600, 'next run within 10 minutes');
    t.is(next % 600, 0, 'on a 10-minute boundary');

    const seen: string[] = [];
    let pageToken: string | undefined;
    do {
      const [jobs, , response] = await client.listJobs(
        { parent: PARENT, pageSize: 2, ...(pageToken ? { pageToken } : {}) },
        { autoPaginate: false },
      );
      t.true(jobs.length <= 2);
      seen.push(...jobs.map((j) => j.name!));
      pageToken = response?.nextPageToken || undefined;
    } while (pageToken);
    t.deepEqual(
      seen.filter((name) => names.includes(name)),
      names,
    );

    await client.deleteJob({ name: names[1]! });
    t.is(await grpcCode(client.getJob({ name: names[1]! })), status.NOT_FOUND);
    t.is(await grpcCode(client.deleteJob({ name: names[1]! })), status.NOT_FOUND);
  });

  test(`${transport}: update with a mask changes only the named fields; without one, the fields given`, async (t) => {
    const client = clients[transport];
    const name = job('update');
    await client.createJob({
      parent: PARENT,
      job: {
        name,
        description: 'before',
        schedule: YEARLY,
        timeZone: 'Europe/Paris',
        httpTarget: { uri: 'http://127.0.0.1:9/a', httpMethod: 'GET' },
        retryConfig: { retryCount: 3, maxDoublings: 2 },
      },
    });
    const [masked] = await client.updateJob({
      job: { name, description: 'after', schedule: '0 12 * * *', timeZone: 'ignored/not-in-mask' },
      updateMask: { paths: ['description', 'schedule', 'retry_config.max_doublings'] },
    });
    t.like(masked, {
      description: 'after',
      schedule: '0 12 * * *',
      timeZone: 'Europe/Paris',
      httpTarget: { uri: 'http://127.0.0.1:9/a', httpMethod: 'GET' },
      retryConfig: { retryCount: 3 },
    });
    t.is(masked.retryConfig?.maxDoublings, 5, 'a masked field absent from the request goes back to its default');

    const [unmasked] = await client.updateJob({
      job: { name, httpTarget: { uri: 'http://127.0.0.1:9/b', httpMethod: 'PUT' } },
    });
    t.like(unmasked, { description: 'after', httpTarget: { uri: 'http://127.0.0.1:9/b', httpMethod: 'PUT' } });

    t.is(
      await grpcCode(
        client.updateJob({ job: { name, schedule: 'every minute' }, updateMask: { paths: ['schedule'] } }),
      ),
      status.INVALID_ARGUMENT,
    );
    t.is(await grpcCode(client.updateJob({ job: { name: job('missing'), schedule: YEARLY } })), status.NOT_FOUND);
  });

  test(`${transport}: errors use the service's codes (ALREADY_EXISTS, NOT_FOUND, INVALID_ARGUMENT for a bad cron or time zone)`, async (t) => {
    const client = clients[transport];
    const create = (id: string, schedule: string, timeZone?: string) =>
      client.createJob({
        parent: PARENT,
        job: { name: job(id), schedule, ...(timeZone ? { timeZone } : {}), httpTarget: { uri: 'http://127.0.0.1:9/' } },
      });
    await create('dup', YEARLY);
    t.is(await grpcCode(create('dup', YEARLY)), status.ALREADY_EXISTS);
    t.is(await grpcCode(create('bad-cron', '61 * * * *')), status.INVALID_ARGUMENT);
    t.is(await grpcCode(create('bad-cron-words', 'every 5 minutes')), status.INVALID_ARGUMENT);
    t.is(await grpcCode(create('six-fields', '0 * * * * *')), status.INVALID_ARGUMENT);
    t.is(await grpcCode(create('bad-zone', YEARLY, 'Mars/Olympus_Mons')), status.INVALID_ARGUMENT);
    t.is(await grpcCode(create('bad id!', YEARLY)), status.INVALID_ARGUMENT);
    t.is(await grpcCode(client.getJob({ name: job('nope') })), status.NOT_FOUND);
    t.is(await grpcCode(client.pauseJob({ name: job('nope') })), status.NOT_FOUND);
    t.is(await grpcCode(client.runJob({ name: job('nope') })), status.NOT_FOUND);
  });

  test(`${transport}: pause → PAUSED without a scheduleTime; resume → ENABLED with the next one`, async (t) => {
    const client = clients[transport];
    const name = job('pause');
    await client.createJob({
      parent: PARENT,
      job: { name, schedule: '0 * * * *', httpTarget: { uri: 'http://127.0.0.1:9/' } },
    });
    const [paused] = await client.pauseJob({ name });
    t.is(paused.state, 'PAUSED');
    t.falsy(paused.scheduleTime);
    const [resumed] = await client.resumeJob({ name });
    t.is(resumed.state, 'ENABLED');
    const next = seconds(resumed.scheduleTime);
    t.is(next % 3600, 0);
    t.true(next > Date.now() / 1000);
  });

  test(`${transport}: run → the target gets the documented headers, the body and a token verifiable against the JWKS; lastAttemptTime and status are reported`, async (t) => {
    const client = clients[transport];
    const target = await startTarget();
    t.teardown(() => target.close());
    const name = job('run');
    await client.createJob({
      parent: PARENT,
      job: {
        name,
        schedule: YEARLY,
        httpTarget: {
          uri: `${target.baseUrl}/nightly?x=1`,
          httpMethod: 'POST',
          headers: { 'Content-Type': 'application/json', 'User-Agent': 'replaced', 'X-Custom': 'kept' },
          body: Buffer.from('{"run":true}'),
          oidcToken: { serviceAccountEmail: 'scheduler@sched-project.iam.gserviceaccount.com', audience: 'my-aud' },
        },
      },
    });
    await client.pauseJob({ name }); // RunJob fires paused jobs too
    const before = Date.now();
    await client.runJob({ name });
    const request = await eventually(() => target.at('/nightly?x=1')[0]);
    t.is(request.method, 'POST');
    t.is(request.body, '{"run":true}');
    t.like(request.headers, {
      'content-type': 'application/json',
      'user-agent': 'Google-Cloud-Scheduler',
      'x-custom': 'kept',
      'x-cloudscheduler': 'true',
      'x-cloudscheduler-jobname': `${transport}-run`,
    });
    const scheduleTime = String(request.headers['x-cloudscheduler-scheduletime']);
    t.regex(scheduleTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    t.true(Math.abs(Date.parse(scheduleTime) - before) < 5000);
    const token = String(request.headers.authorization).replace(/^Bearer /, '');
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(emulator.jwksUrl)), {
      issuer: emulator.issuer,
      audience: 'my-aud',
    });
    t.is(payload.email, 'scheduler@sched-project.iam.gserviceaccount.com');

    const done = await eventually(async () => {
      const [current] = await client.getJob({ name });
      return current.status && current.lastAttemptTime ? current : undefined;
    });
    t.is(done.status?.code ?? 0, 0, 'success is an empty status');
    t.true(seconds(done.lastAttemptTime) * 1000 >= before - 1000);
    t.is(done.state, 'PAUSED');
  });
}

test('an Asia/Kolkata job: the next scheduleTime is the coming 09:00 IST, i.e. 03:30 UTC', async (t) => {
  const client = clients.grpc;
  const [created] = await client.createJob({
    parent: PARENT,
    job: {
      name: `${PARENT}/jobs/kolkata`,
      schedule: '0 9 * * *',
      timeZone: 'Asia/Kolkata',
      httpTarget: { uri: 'http://127.0.0.1:9/' },
    },
  });
  const now = new Date();
  let expected = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 3, 30);
  if (expected <= now.getTime()) expected += 24 * 3600 * 1000;
  t.is(seconds(created.scheduleTime) * 1000, expected);
  t.is(new Date(expected).toISOString().slice(11), '03:30:00.000Z');

  // A half-hour zone at the minute level too: "30 */2 * * *" in IST is :00 of odd UTC hours.
  const [halfHour] = await client.createJob({
    parent: PARENT,
    job: {
      name: `${PARENT}/jobs/kolkata-2h`,
      schedule: '30 */2 * * *',
      timeZone: 'Asia/Kolkata',
      httpTarget: { uri: 'http://127.0.0.1:9/' },
    },
  });
  const next = new Date(seconds(halfHour.scheduleTime) * 1000);
  t.is(next.getUTCMinutes(), 0);
  t.is(next.getUTCHours() % 2, 1);
  t.true(next.getTime() - Date.now() <= 2 * 3600 * 1000);
});

test('retryConfig: a failing job is retried retry_count times with backoff, and its status carries the error', async (t) => {
  const client = clients.grpc;
  const target = await startTarget((request) => (request.path === '/missing' ? 404 : 500));
  t.teardown(() => target.close());
  const create = (id: string, path: string, retryCount: number) =>
    client.createJob({
      parent: PARENT,
      job: {
        name: `${PARENT}/jobs/${id}`,
        schedule: YEARLY,
        httpTarget: { uri: `${target.baseUrl}${path}` },
        retryConfig: {
          retryCount,
          minBackoffDuration: protoMs(50),
          maxBackoffDuration: protoMs(100),
        },
      },
    });
  await create('retry-twice', '/failing', 2);
  await create('no-retry', '/missing', 0);
  await client.runJob({ name: `${PARENT}/jobs/retry-twice` });
  await client.runJob({ name: `${PARENT}/jobs/no-retry` });
  await eventually(() => target.at('/failing').length === 3);
  await sleep(400); // no fourth attempt
  t.is(target.at('/failing').length, 3);
  t.is(target.at('/missing').length, 1);
  const [failing] = await client.getJob({ name: `${PARENT}/jobs/retry-twice` });
  t.is(failing.status?.code, status.INTERNAL);
  const [missing] = await client.getJob({ name: `${PARENT}/jobs/no-retry` });
  t.is(missing.status?.code, status.NOT_FOUND);
});
