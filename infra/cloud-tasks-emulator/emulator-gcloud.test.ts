import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { type CloudTasksEmulator, startCloudTasksEmulator } from './emulator.ts';
import { eventually, sleep, startTarget, type TestTarget } from './test-helpers.ts';

// `gcloud` itself, pointed at the emulator's REST port by nothing but its documented environment variables.
// Each call costs a second or two, so each test walks a whole story with as few calls as it can.

const PROJECT = 'gcloud-project';
const LOCATION = 'asia-south1';
const SA = 'invoker@gcloud-project.iam.gserviceaccount.com';

let emulator: CloudTasksEmulator;
let target: TestTarget;
test.before(async () => {
  emulator = await startCloudTasksEmulator();
  target = await startTarget();
});
test.after.always(async () => {
  await emulator?.stop();
  await target?.close();
});

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A gcloud with its own throw-away config directory, talking only to the emulator. */
async function gcloudFor(t: { teardown(fn: () => Promise<void>): void }) {
  const config = await mkdtemp(path.join(tmpdir(), 'gcloud-emulator-'));
  t.teardown(() => rm(config, { recursive: true, force: true }));
  const env = {
    ...process.env,
    CLOUDSDK_CONFIG: config,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDTASKS: emulator.restEndpoint,
    CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDSCHEDULER: emulator.restEndpoint,
    CLOUDSDK_AUTH_DISABLE_CREDENTIALS: 'true',
    CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
    CLOUDSDK_CORE_PROJECT: PROJECT,
    CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: 'true',
    CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: 'true',
  };
  const run = (args: string[]) =>
    new Promise<Run>((resolve) => {
      execFile('gcloud', [...args, `--location=${LOCATION}`], { env, timeout: 60_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
      });
    });
  return {
    run,
    /** Runs a command that must succeed and prints JSON. */
    async json<T = Record<string, unknown>>(args: string[]): Promise<T> {
      const result = await run([...args, '--format=json']);
      if (result.code !== 0) throw new Error(`gcloud ${args.join(' ')} failed: ${result.stderr}`);
      return JSON.parse(result.stdout) as T;
    },
    /** Runs a command that must succeed. */
    async ok(args: string[]): Promise<Run> {
      const result = await run(args);
      if (result.code !== 0) throw new Error(`gcloud ${args.join(' ')} failed: ${result.stderr}`);
      return result;
    },
  };
}

const QUEUE = `projects/${PROJECT}/locations/${LOCATION}/queues/gcloud-q`;

test.serial(
  'gcloud tasks: queues create/describe/list/update/pause/resume/purge/delete and create-http-task/list/describe/run/delete, with dispatch to a local receiver',
  async (t) => {
    t.timeout(150_000);
    const gcloud = await gcloudFor(t);
    await gcloud.ok(['tasks', 'queues', 'create', 'gcloud-q', '--max-attempts=3']);
    await gcloud.ok([
      'tasks',
      'queues',
      'update',
      'gcloud-q',
      '--max-dispatches-per-second=20',
      '--max-concurrent-dispatches=4',
    ]);
    const described = await gcloud.json(['tasks', 'queues', 'describe', 'gcloud-q']);
    t.like(described, {
      name: QUEUE,
      state: 'RUNNING',
      retryConfig: { maxAttempts: 3 },
      rateLimits: { maxDispatchesPerSecond: 20, maxConcurrentDispatches: 4 },
    });
    const listed = await gcloud.json<{ name: string }[]>(['tasks', 'queues', 'list']);
    t.deepEqual(
      listed.map((q) => q.name),
      [QUEUE],
    );

    // Paused: the task is created and kept, nothing is dispatched until resume.
    await gcloud.ok(['tasks', 'queues', 'pause', 'gcloud-q']);
    await gcloud.ok([
      'tasks',
      'create-http-task',
      'first',
      '--queue=gcloud-q',
      `--url=${target.baseUrl}/gcloud/first`,
      '--method=POST',
      '--header=Content-Type:application/json',
      '--body-content={"hello":"gcloud"}',
      `--oidc-service-account-email=${SA}`,
    ]);
    const pending = await gcloud.json<{ name: string; dispatchCount?: number }[]>([
      'tasks',
      'list',
      '--queue=gcloud-q',
    ]);
    t.deepEqual(
      pending.map((task) => task.name),
      [`${QUEUE}/tasks/first`],
    );
    await sleep(300);
    t.is(target.at('/gcloud/first').length, 0, 'a paused queue dispatches nothing');
    await gcloud.ok(['tasks', 'queues', 'resume', 'gcloud-q']);
    const first = await eventually(() => target.at('/gcloud/first')[0]);
    t.is(first.body, '{"hello":"gcloud"}');
    t.like(first.headers, {
      'content-type': 'application/json',
      'user-agent': 'Google-Cloud-Tasks',
      'x-cloudtasks-queuename': 'gcloud-q',
      'x-cloudtasks-taskname': 'first',
    });
    const { payload } = await jwtVerify(
      String(first.headers.authorization).replace(/^Bearer /, ''),
      createRemoteJWKSet(new URL(emulator.jwksUrl)),
      { issuer: emulator.issuer, audience: `${target.baseUrl}/gcloud/first` },
    );
    t.is(payload.email, SA);

    // A task for tomorrow: describe shows it, run dispatches it now.
    const tomorrow = new Date(Date.now() + 24 * 3600 * 1000).toISOString();
    const later = (id: string) =>
      gcloud.ok([
        'tasks',
        'create-http-task',
        id,
        '--queue=gcloud-q',
        `--url=${target.baseUrl}/gcloud/${id}`,
        `--schedule-time=${tomorrow}`,
      ]);
    await later('later');
    const describedTask = await gcloud.json(['tasks', 'describe', 'later', '--queue=gcloud-q']);
    t.like(describedTask, { name: `${QUEUE}/tasks/later`, httpRequest: { url: `${target.baseUrl}/gcloud/later` } });
    t.is(Date.parse(String(describedTask.scheduleTime)), Date.parse(tomorrow));
    await gcloud.ok(['tasks', 'run', 'later', '--queue=gcloud-q']);
    await eventually(() => target.at('/gcloud/later').length === 1);

    // Delete one task; purge the rest; names stay reserved.
    await later('deleted');
    await gcloud.ok(['tasks', 'delete', 'deleted', '--queue=gcloud-q']);
    await later('purged');
    await gcloud.ok(['tasks', 'queues', 'purge', 'gcloud-q']);
    t.deepEqual(await gcloud.json(['tasks', 'list', '--queue=gcloud-q']), []);
    const again = await later('purged').then(
      () => 'created',
      (error: Error) => error.message,
    );
    t.regex(again, /ALREADY_EXISTS/);

    await gcloud.ok(['tasks', 'queues', 'delete', 'gcloud-q']);
    const gone = await gcloud.run(['tasks', 'queues', 'describe', 'gcloud-q']);
    t.not(gone.code, 0);
    t.regex(gone.stderr, /NOT_FOUND/);
    t.is(target.at('/gcloud/deleted').length + target.at('/gcloud/purged').length, 0);
  },
);

test.serial(
  'gcloud scheduler: jobs create http (Asia/Kolkata) / describe / list / run / pause / resume / delete; the run sends the documented headers and a verifiable token',
  async (t) => {
    t.timeout(150_000);
    const gcloud = await gcloudFor(t);
    const name = `projects/${PROJECT}/locations/${LOCATION}/jobs/nightly`;
    await gcloud.ok([
      'scheduler',
      'jobs',
      'create',
      'http',
      'nightly',
      '--schedule=0 9 * * *',
      '--time-zone=Asia/Kolkata',
      `--uri=${target.baseUrl}/gcloud/nightly`,
      '--http-method=POST',
      '--headers=Content-Type=application/json',
      '--message-body={"kind":"nightly"}',
      `--oidc-service-account-email=${SA}`,
      '--oidc-token-audience=https://payments.example/jobs',
    ]);
    const described = await gcloud.json(['scheduler', 'jobs', 'describe', 'nightly']);
    t.like(described, { name, state: 'ENABLED', schedule: '0 9 * * *', timeZone: 'Asia/Kolkata' });
    t.is(new Date(String(described.scheduleTime)).toISOString().slice(11, 16), '03:30', '09:00 IST is 03:30 UTC');
    const listed = await gcloud.json<{ name: string }[]>(['scheduler', 'jobs', 'list']);
    t.deepEqual(
      listed.map((job) => job.name),
      [name],
    );

    await gcloud.ok(['scheduler', 'jobs', 'run', 'nightly']);
    const request = await eventually(() => target.at('/gcloud/nightly')[0]);
    t.is(request.body, '{"kind":"nightly"}');
    t.like(request.headers, {
      'content-type': 'application/json',
      'user-agent': 'Google-Cloud-Scheduler',
      'x-cloudscheduler': 'true',
      'x-cloudscheduler-jobname': 'nightly',
    });
    t.false(Number.isNaN(Date.parse(String(request.headers['x-cloudscheduler-scheduletime']))));
    const { payload } = await jwtVerify(
      String(request.headers.authorization).replace(/^Bearer /, ''),
      createRemoteJWKSet(new URL(emulator.jwksUrl)),
      { issuer: emulator.issuer, audience: 'https://payments.example/jobs' },
    );
    t.is(payload.email, SA);

    await gcloud.ok(['scheduler', 'jobs', 'pause', 'nightly']);
    t.like(await gcloud.json(['scheduler', 'jobs', 'describe', 'nightly']), { state: 'PAUSED' });
    await gcloud.ok(['scheduler', 'jobs', 'resume', 'nightly']);
    await gcloud.ok(['scheduler', 'jobs', 'delete', 'nightly']);
    const gone = await gcloud.run(['scheduler', 'jobs', 'describe', 'nightly']);
    t.not(gone.code, 0);
    t.regex(gone.stderr, /NOT_FOUND/);
  },
);
