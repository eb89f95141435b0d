import { PubSub } from '@google-cloud/pubsub';
import test from 'ava';
import { startCloudTasksEmulator } from '../../infra/cloud-tasks-emulator/emulator.ts';
import { main } from '../../infra/deploy/cli.ts';
import { describeResources } from '../../infra/deploy/resources.ts';
import { SERVICES, subscriptions } from '../../services/catalogue/catalogue.ts';
import { createSchedulerClient } from '../../shared/adapters/cloud-scheduler/scheduler-jobs.ts';
import { createCloudTasksClient } from '../../shared/adapters/cloud-tasks/cloud-tasks-task-queue.ts';
import { loadConfig } from '../../shared/config.ts';
import { JOBS, TOPICS } from '../../shared/http/routes.ts';
import { emulatorSuite, uniqueName } from '../support/emulator-test.ts';

/**
 * `npm run infra:apply` against the Pub/Sub emulator and the project's Cloud Tasks + Cloud Scheduler emulator: from an
 * empty project it creates everything the description holds, a second run changes nothing, drift made behind its back
 * (a queue's rate, a job's schedule, a subscription's ack deadline) is put back, and --dry-run writes nothing.
 */

const REGION = 'asia-south1';
const NUMBER = '123456789012';

async function run(args: readonly string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  let out = '';
  const { code } = await main(['--region', REGION, '--project-number', NUMBER, ...args], env, (text) => {
    out += text;
  });
  return { code, out };
}

/** The table's rows as `kind|name|action`. */
function rows(out: string): string[] {
  const table = out.slice(out.indexOf('kind '), out.indexOf('\n\n', out.indexOf('kind ')));
  return table
    .split('\n')
    .slice(1)
    .map((line) => {
      const [kind, name, action] = line.split(/ {2,}/);
      return `${kind}|${name}|${action}`;
    });
}

emulatorSuite('pubsub', (pubsubHost) => {
  test('apply creates everything from empty, then changes nothing; --dry-run writes nothing; drift is corrected', async (t) => {
    const emulator = await startCloudTasksEmulator({});
    t.teardown(() => emulator.stop());
    const project = uniqueName('infra');
    const env = {
      GOOGLE_CLOUD_PROJECT: project,
      PUBSUB_EMULATOR_HOST: pubsubHost,
      CLOUD_TASKS_EMULATOR_HOST: emulator.endpoint,
    };
    const config = loadConfig({ RUNTIME: 'embedded' });
    const expected = describeResources(config, {
      project,
      region: REGION,
      serviceUrls: new Map(SERVICES.map((s) => [s.name, `https://x-${s.name}`])),
    });
    // derived from the catalogue and route table: every queue, topic (+ dead letter), subscription and job
    t.true(expected.queues.length > 0);
    t.is(expected.topics.length, TOPICS.length * 2);
    t.is(expected.subscriptions.length, subscriptions().length + TOPICS.length);
    t.is(expected.jobs.length, JOBS.length);
    const total = expected.queues.length + expected.topics.length + expected.subscriptions.length + JOBS.length;

    // the plan from empty: every resource "would create", and the gcloud list; nothing written
    const plan = await run(['--dry-run'], env);
    t.is(plan.code, 0, plan.out);
    t.is(rows(plan.out).length, total);
    t.true(
      rows(plan.out).every((r) => r.endsWith('|would create')),
      plan.out,
    );
    t.regex(plan.out, new RegExp(`plan: ${total} to create, 0 to update, 0 unchanged`));
    t.regex(plan.out, /gcloud iam service-accounts create payments-api /);
    t.regex(plan.out, /gcloud firestore indexes composite create --collection-group=orders /);
    t.regex(plan.out, /gcloud tasks queues add-iam-policy-binding status-checks /);
    const again = await run(['--dry-run'], env);
    t.true(
      rows(again.out).every((r) => r.endsWith('|would create')),
      'the dry run created something',
    );

    const first = await run([], env);
    t.is(first.code, 0, first.out);
    t.true(
      rows(first.out).every((r) => r.endsWith('|create')),
      first.out,
    );
    t.regex(first.out, new RegExp(`applied: ${total} created, 0 updated, 0 unchanged`));

    const second = await run([], env);
    t.is(second.code, 0, second.out);
    t.true(
      rows(second.out).every((r) => r.endsWith('|unchanged')),
      second.out,
    );
    t.regex(second.out, new RegExp(`no change: ${total} unchanged`));

    // drift behind the apply's back, through the same clients anyone would use
    const tasks = createCloudTasksClient({ emulatorHost: emulator.endpoint });
    const scheduler = createSchedulerClient({ emulatorHost: emulator.endpoint });
    const pubsub = new PubSub({ projectId: project, apiEndpoint: pubsubHost });
    t.teardown(() => Promise.all([tasks.close(), scheduler.close(), pubsub.close()]).then(() => undefined));
    const queue = expected.queues[0]!;
    const queueName = `projects/${project}/locations/${REGION}/queues/${queue.id}`;
    await tasks.updateQueue({
      queue: { name: queueName, rateLimits: { maxDispatchesPerSecond: 3 } },
      updateMask: { paths: ['rate_limits'] },
    });
    const job = expected.jobs[0]!;
    const jobName = `projects/${project}/locations/${REGION}/jobs/${job.id}`;
    await scheduler.updateJob({ job: { name: jobName, schedule: '0 3 * * *' }, updateMask: { paths: ['schedule'] } });
    const push = expected.subscriptions.find((s) => s.kind === 'push')!;
    await pubsub.subscription(push.id).setMetadata({ ackDeadlineSeconds: 45 });

    const drifted = await run(['--dry-run'], env);
    t.true(rows(drifted.out).includes(`queue|${queue.id}|would update`), drifted.out);
    t.regex(drifted.out, new RegExp(`maxDispatchesPerSecond: 3 → ${queue.rateLimits.maxDispatchesPerSecond}`));
    t.true(rows(drifted.out).includes(`scheduler job|${job.id}|would update`), drifted.out);
    t.regex(drifted.out, /schedule: 0 3 \* \* \* → /);
    t.true(rows(drifted.out).includes(`subscription|${push.id}|would update`), drifted.out);
    t.regex(drifted.out, /plan: 0 to create, 3 to update/);

    const fixed = await run([], env);
    t.regex(fixed.out, new RegExp(`applied: 0 created, 3 updated, ${total - 3} unchanged`), fixed.out);
    const [q] = await tasks.getQueue({ name: queueName });
    t.is(q.rateLimits?.maxDispatchesPerSecond, queue.rateLimits.maxDispatchesPerSecond);
    const [j] = await scheduler.getJob({ name: jobName });
    t.is(j.schedule, job.schedule);
    t.is(j.timeZone, 'Asia/Kolkata');
    const [s] = await pubsub.subscription(push.id).getMetadata();
    t.is(s.ackDeadlineSeconds, push.ackDeadlineSeconds);

    const settled = await run([], env);
    t.regex(settled.out, new RegExp(`no change: ${total} unchanged`), settled.out);
  });
});
