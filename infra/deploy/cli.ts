import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { PubSub } from '@google-cloud/pubsub';
import { createSchedulerClient } from '../../shared/adapters/cloud-scheduler/scheduler-jobs.ts';
import { createCloudTasksClient } from '../../shared/adapters/cloud-tasks/cloud-tasks-task-queue.ts';
import { ConfigError, loadConfig } from '../../shared/config.ts';
import { applyResources, formatChanges } from './apply.ts';
import { alreadyExists, deployScript, gcloudCommands } from './gcloud.ts';
import { cloudRunUrls, describeResources } from './resources.ts';

const USAGE = `npm run infra:apply -- [options]

Creates what is missing and updates what drifted: Cloud Tasks queues, Pub/Sub topics and subscriptions, Cloud
Scheduler jobs (through the @google-cloud clients), then prints the gcloud commands for what the clients cannot do.

  --project P          Google Cloud project (default: GOOGLE_CLOUD_PROJECT)
  --region R           region of Cloud Run, Cloud Tasks, Cloud Scheduler (default: TASKS_LOCATION, asia-south1)
  --project-number N   derives every service's Cloud Run URL (https://payments-<service>-N.R.run.app);
                       SERVICE_URLS (name=url,…) overrides single services
  --dry-run            read only: print the plan
  --run-gcloud         also run the gcloud commands (identities, IAM, secrets, Firestore indexes and TTL)
  --deploy-script IMAGE  print the Cloud Run deploy script for IMAGE instead (with --environment E, --env-file F)

Settings (queue ids, topic, schedules, time zone) are those of shared/config.ts, from the environment.
PUBSUB_EMULATOR_HOST and CLOUD_TASKS_EMULATOR_HOST (together) point the apply at the emulators.`;

export interface CliResult {
  readonly code: number;
}

/** The CLI, callable in-process: argv without node and script, the environment, and where output goes. */
export async function main(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  write: (text: string) => void,
): Promise<CliResult> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      project: { type: 'string' },
      region: { type: 'string' },
      'project-number': { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      'run-gcloud': { type: 'boolean', default: false },
      'deploy-script': { type: 'string' },
      environment: { type: 'string', default: 'production' },
      'env-file': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    write(`${USAGE}\n`);
    return { code: 0 };
  }
  const config = loadConfig({ ...env, RUNTIME: 'embedded' });
  const project = values.project ?? env.GOOGLE_CLOUD_PROJECT;
  if (!project) throw new ConfigError('--project (or GOOGLE_CLOUD_PROJECT) is required');
  const region = values.region ?? config.TASKS_LOCATION;
  const number = values['project-number'];
  const serviceUrls = new Map([...(number ? cloudRunUrls(number, region) : []), ...config.SERVICE_URLS]);
  const resources = describeResources(config, { project, region, serviceUrls });

  if (values['deploy-script']) {
    const environment = values.environment;
    write(
      deployScript(resources, {
        image: values['deploy-script'],
        environment,
        envFile: values['env-file'] ?? `infra/env/${environment}.yaml`,
      }),
    );
    return { code: 0 };
  }

  const pubsubHost = env.PUBSUB_EMULATOR_HOST || undefined;
  const tasksHost = env.CLOUD_TASKS_EMULATOR_HOST || undefined;
  if ((pubsubHost === undefined) !== (tasksHost === undefined))
    throw new ConfigError('set both PUBSUB_EMULATOR_HOST and CLOUD_TASKS_EMULATOR_HOST, or neither');
  const emulated = pubsubHost !== undefined;
  if (emulated && values['run-gcloud']) throw new ConfigError('--run-gcloud is for a real project, not the emulators');
  const dryRun = values['dry-run'];

  const gcloud = gcloudCommands(resources, number ? { projectNumber: number } : {});
  const ran: string[] = [];
  const runAll = (commands: readonly string[]): boolean => {
    for (const command of commands) {
      const result = spawnSync('bash', ['-c', command], { encoding: 'utf8' });
      const output = `${result.stdout}${result.stderr}`;
      if (result.status === 0) ran.push(`ok      ${command}`);
      else if (alreadyExists(output)) ran.push(`exists  ${command}`);
      else {
        write(`${ran.join('\n')}\nfailed  ${command}\n${output}\n`);
        return false;
      }
    }
    return true;
  };
  if (values['run-gcloud'] && !dryRun && !runAll(gcloud.before)) return { code: 1 };

  write(
    `${dryRun ? 'Plan' : 'Apply'} for project ${project}, ${region}${emulated ? ` (emulators: Pub/Sub ${pubsubHost}, Cloud Tasks + Scheduler ${tasksHost})` : ''}\n\n`,
  );
  const pubsub = new PubSub({ projectId: project, ...(pubsubHost ? { apiEndpoint: pubsubHost } : {}) });
  const tasks = createCloudTasksClient(tasksHost ? { emulatorHost: tasksHost } : {});
  const scheduler = createSchedulerClient(tasksHost ? { emulatorHost: tasksHost } : {});
  let conflicts = 0;
  try {
    const changes = await applyResources(resources, { tasks, pubsub, scheduler }, { dryRun });
    conflicts = changes.filter((c) => c.action === 'conflict').length;
    write(`${formatChanges(changes, dryRun)}\n`);
  } finally {
    await Promise.all([pubsub.close(), tasks.close(), scheduler.close()]);
  }

  if (values['run-gcloud'] && !dryRun) {
    if (!runAll(gcloud.after)) return { code: 1 };
    write(`\ngcloud:\n${ran.join('\n')}\n`);
  } else {
    write(
      [
        '',
        `What the clients cannot do: run these once${emulated ? ' in the real project' : ' (or pass --run-gcloud)'}; each is safe to repeat.`,
        '# first: APIs, image repository, database, service accounts, secrets',
        ...gcloud.before,
        '# then: Firestore indexes and TTL, and the IAM bindings on the resources above',
        ...gcloud.after,
        '# secret values: printf %s "$VALUE" | gcloud secrets versions add <secret> --data-file=- --project=' + project,
        '',
      ].join('\n'),
    );
  }
  return { code: conflicts > 0 ? 2 : 0 };
}
