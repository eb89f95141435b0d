import type { CreateSubscriptionOptions, GetSubscriptionMetadataResponse, PubSub } from '@google-cloud/pubsub';
import type { CloudSchedulerClient } from '@google-cloud/scheduler';
import type { CloudTasksClient, protos } from '@google-cloud/tasks';
import { status } from '@grpc/grpc-js';
import { ensureSchedulerJobs } from '../../shared/adapters/cloud-scheduler/scheduler-jobs.ts';
import type { QueueSpec, Resources, SubscriptionSpec } from './resources.ts';

/**
 * Applies the part of the description the `@google-cloud/*` clients manage: Cloud Tasks queues, Pub/Sub topics and
 * subscriptions, Cloud Scheduler jobs. Each resource is read first; what is missing is created, what drifted is
 * updated (only the drifted fields), the rest is left alone. With `dryRun` nothing is written and the rows say what
 * would happen. The same code runs against Google Cloud and the emulators.
 */

export type Action = 'create' | 'update' | 'unchanged' | 'conflict';

export interface Change {
  readonly kind: 'queue' | 'topic' | 'subscription' | 'scheduler job';
  readonly name: string;
  readonly action: Action;
  /** What differs (for update and conflict), or a one-line summary of what is created. */
  readonly detail: string;
}

export interface ApplyClients {
  readonly tasks: Pick<CloudTasksClient, 'getQueue' | 'createQueue' | 'updateQueue'>;
  readonly pubsub: PubSub;
  readonly scheduler: Pick<CloudSchedulerClient, 'getJob' | 'createJob' | 'updateJob'>;
}

type Duration = { seconds?: number | string | { toString(): string } | null; nanos?: number | null } | null;

function seconds(duration: Duration | undefined): number {
  if (!duration) return 0;
  return Number(String(duration.seconds ?? 0)) + (duration.nanos ?? 0) / 1e9;
}

function code(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

function differences(pairs: readonly [string, unknown, unknown][]): string[] {
  return pairs.filter(([, was, is]) => was !== is).map(([field, was, is]) => `${field}: ${String(was)} → ${is}`);
}

function queueMessage(spec: QueueSpec, name: string): protos.google.cloud.tasks.v2.IQueue {
  const r = spec.retryConfig;
  return {
    name,
    rateLimits: {
      maxDispatchesPerSecond: spec.rateLimits.maxDispatchesPerSecond,
      maxConcurrentDispatches: spec.rateLimits.maxConcurrentDispatches,
    },
    retryConfig: {
      maxAttempts: r.maxAttempts,
      maxRetryDuration: { seconds: r.maxRetryDurationSeconds },
      minBackoff: { seconds: r.minBackoffSeconds },
      maxBackoff: { seconds: r.maxBackoffSeconds },
      maxDoublings: r.maxDoublings,
    },
  };
}

async function applyQueue(
  client: ApplyClients['tasks'],
  parent: string,
  spec: QueueSpec,
  dryRun: boolean,
): Promise<Change> {
  const name = `${parent}/queues/${spec.id}`;
  const wanted = queueMessage(spec, name);
  let existing: protos.google.cloud.tasks.v2.IQueue | null = null;
  try {
    [existing] = await client.getQueue({ name });
  } catch (error) {
    if (code(error) !== status.NOT_FOUND) throw error;
  }
  const r = spec.retryConfig;
  const summary = `${spec.rateLimits.maxDispatchesPerSecond}/s, ${spec.rateLimits.maxConcurrentDispatches} at once, retries ${r.minBackoffSeconds}-${r.maxBackoffSeconds}s for ${r.maxRetryDurationSeconds}s → ${spec.target}`;
  if (!existing) {
    if (!dryRun) await client.createQueue({ parent, queue: wanted });
    return { kind: 'queue', name: spec.id, action: 'create', detail: summary };
  }
  const drift = differences([
    ['maxDispatchesPerSecond', existing.rateLimits?.maxDispatchesPerSecond, spec.rateLimits.maxDispatchesPerSecond],
    ['maxConcurrentDispatches', existing.rateLimits?.maxConcurrentDispatches, spec.rateLimits.maxConcurrentDispatches],
    ['maxAttempts', existing.retryConfig?.maxAttempts, r.maxAttempts],
    ['maxRetryDuration', seconds(existing.retryConfig?.maxRetryDuration), r.maxRetryDurationSeconds],
    ['minBackoff', seconds(existing.retryConfig?.minBackoff), r.minBackoffSeconds],
    ['maxBackoff', seconds(existing.retryConfig?.maxBackoff), r.maxBackoffSeconds],
    ['maxDoublings', existing.retryConfig?.maxDoublings, r.maxDoublings],
  ]);
  if (drift.length === 0) return { kind: 'queue', name: spec.id, action: 'unchanged', detail: '' };
  if (!dryRun) await client.updateQueue({ queue: wanted, updateMask: { paths: ['rate_limits', 'retry_config'] } });
  return { kind: 'queue', name: spec.id, action: 'update', detail: drift.join('; ') };
}

async function applyTopic(pubsub: PubSub, id: string, purpose: string, dryRun: boolean): Promise<Change> {
  const [exists] = await pubsub.topic(id).exists();
  if (exists) return { kind: 'topic', name: id, action: 'unchanged', detail: '' };
  if (!dryRun) {
    try {
      await pubsub.createTopic(id);
    } catch (error) {
      if (code(error) !== status.ALREADY_EXISTS) throw error;
      return { kind: 'topic', name: id, action: 'unchanged', detail: '' };
    }
  }
  return { kind: 'topic', name: id, action: 'create', detail: purpose };
}

function subscriptionOptions(pubsub: PubSub, spec: SubscriptionSpec): CreateSubscriptionOptions {
  if (spec.kind === 'pull') {
    return {
      ackDeadlineSeconds: spec.ackDeadlineSeconds,
      messageRetentionDuration: { seconds: spec.messageRetentionSeconds, nanos: 0 },
    };
  }
  return {
    pushConfig: {
      pushEndpoint: spec.pushEndpoint,
      oidcToken: { serviceAccountEmail: spec.serviceAccountEmail, audience: spec.audience },
    },
    ackDeadlineSeconds: spec.ackDeadlineSeconds,
    retryPolicy: {
      minimumBackoff: { seconds: spec.retryPolicy.minimumBackoffSeconds, nanos: 0 },
      maximumBackoff: { seconds: spec.retryPolicy.maximumBackoffSeconds, nanos: 0 },
    },
    deadLetterPolicy: {
      deadLetterTopic: pubsub.topic(spec.deadLetterTopic).name,
      maxDeliveryAttempts: spec.maxDeliveryAttempts,
    },
    enableMessageOrdering: spec.enableMessageOrdering,
    ...(spec.filter ? { filter: spec.filter } : {}),
  };
}

async function applySubscription(pubsub: PubSub, spec: SubscriptionSpec, dryRun: boolean): Promise<Change> {
  const subscription = pubsub.subscription(spec.id);
  const options = subscriptionOptions(pubsub, spec);
  let existing: GetSubscriptionMetadataResponse[0] | null = null;
  try {
    [existing] = await subscription.getMetadata();
  } catch (error) {
    if (code(error) !== status.NOT_FOUND) throw error;
  }
  const summary =
    spec.kind === 'push'
      ? `push ${spec.pushEndpoint} (OIDC ${spec.serviceAccountEmail}), dead letter after ${spec.maxDeliveryAttempts} to ${spec.deadLetterTopic}`
      : `pull on ${spec.topic}, keeps ${spec.messageRetentionSeconds / 86_400} days`;
  if (!existing) {
    if (!dryRun) await pubsub.createSubscription(spec.topic, spec.id, options);
    return { kind: 'subscription', name: spec.id, action: 'create', detail: summary };
  }
  const immutable = differences([
    ['topic', existing.topic, pubsub.topic(spec.topic).name],
    ...(spec.kind === 'push'
      ? ([
          ['enableMessageOrdering', Boolean(existing.enableMessageOrdering), spec.enableMessageOrdering],
          ['filter', existing.filter ?? '', spec.filter],
        ] as const)
      : []),
  ] as [string, unknown, unknown][]);
  if (immutable.length > 0) {
    return {
      kind: 'subscription',
      name: spec.id,
      action: 'conflict',
      detail: `${immutable.join('; ')} (cannot change: delete the subscription, then apply)`,
    };
  }
  const update: Record<string, unknown> = {};
  const drift: string[] = [];
  const compare = (field: string, pairs: [string, unknown, unknown][], value: unknown) => {
    const found = differences(pairs);
    if (found.length === 0) return;
    drift.push(...found);
    update[field] = value;
  };
  compare(
    'ackDeadlineSeconds',
    [['ackDeadlineSeconds', existing.ackDeadlineSeconds, spec.ackDeadlineSeconds]],
    spec.ackDeadlineSeconds,
  );
  if (spec.kind === 'push') {
    compare(
      'pushConfig',
      [
        ['pushEndpoint', existing.pushConfig?.pushEndpoint, spec.pushEndpoint],
        ['oidc.serviceAccount', existing.pushConfig?.oidcToken?.serviceAccountEmail, spec.serviceAccountEmail],
        ['oidc.audience', existing.pushConfig?.oidcToken?.audience, spec.audience],
      ],
      options.pushConfig,
    );
    compare(
      'retryPolicy',
      [
        ['minimumBackoff', seconds(existing.retryPolicy?.minimumBackoff), spec.retryPolicy.minimumBackoffSeconds],
        ['maximumBackoff', seconds(existing.retryPolicy?.maximumBackoff), spec.retryPolicy.maximumBackoffSeconds],
      ],
      options.retryPolicy,
    );
    compare(
      'deadLetterPolicy',
      [
        ['deadLetterTopic', existing.deadLetterPolicy?.deadLetterTopic, pubsub.topic(spec.deadLetterTopic).name],
        ['maxDeliveryAttempts', existing.deadLetterPolicy?.maxDeliveryAttempts, spec.maxDeliveryAttempts],
      ],
      options.deadLetterPolicy,
    );
  } else {
    compare(
      'messageRetentionDuration',
      [['messageRetention', seconds(existing.messageRetentionDuration), spec.messageRetentionSeconds]],
      options.messageRetentionDuration,
    );
  }
  if (drift.length === 0) return { kind: 'subscription', name: spec.id, action: 'unchanged', detail: '' };
  if (!dryRun) await subscription.setMetadata(update);
  return { kind: 'subscription', name: spec.id, action: 'update', detail: drift.join('; ') };
}

/** Creates what is missing, updates what drifted; returns one row per resource, in the description's order. */
export async function applyResources(
  resources: Resources,
  clients: ApplyClients,
  options: { readonly dryRun?: boolean } = {},
): Promise<Change[]> {
  const dryRun = options.dryRun ?? false;
  const parent = `projects/${resources.project}/locations/${resources.region}`;
  const changes: Change[] = [];
  for (const queue of resources.queues) changes.push(await applyQueue(clients.tasks, parent, queue, dryRun));
  // topics first: subscriptions name them, and a dead-letter topic must exist before a policy points at it
  for (const topic of resources.topics) changes.push(await applyTopic(clients.pubsub, topic.id, topic.purpose, dryRun));
  for (const sub of resources.subscriptions) changes.push(await applySubscription(clients.pubsub, sub, dryRun));
  const jobs = await ensureSchedulerJobs(clients.scheduler, parent, resources.jobs, { dryRun });
  for (const job of jobs) {
    const spec = resources.jobs.find((j) => j.id === job.id)!;
    changes.push({
      kind: 'scheduler job',
      name: job.id,
      action: job.change === 'created' ? 'create' : job.change === 'updated' ? 'update' : 'unchanged',
      detail:
        job.change === 'created' ? `${spec.schedule} (${spec.timeZone}) → ${spec.uri}, OIDC` : job.drift.join('; '),
    });
  }
  return changes;
}

/** The report: one row per resource, then a count of what changed. */
export function formatChanges(changes: readonly Change[], dryRun: boolean): string {
  const verb = (a: Action) => (dryRun && (a === 'create' || a === 'update') ? `would ${a}` : a);
  const rows = changes.map((c) => [c.kind, c.name, verb(c.action), c.detail]);
  const widths = [0, 1, 2].map((i) =>
    Math.max(...[['kind', 'name', 'action'][i]!.length, ...rows.map((r) => r[i]!.length)]),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell))
      .join('  ')
      .trimEnd();
  const count = (a: Action) => changes.filter((c) => c.action === a).length;
  const changed = count('create') + count('update');
  const totals = `${count('create')} to create, ${count('update')} to update, ${count('unchanged')} unchanged${
    count('conflict') > 0 ? `, ${count('conflict')} in conflict` : ''
  }`;
  return [
    line(['kind', 'name', 'action', 'detail']),
    ...rows.map(line),
    '',
    dryRun
      ? `plan: ${totals}`
      : changed === 0
        ? `no change: ${count('unchanged')} unchanged`
        : `applied: ${count('create')} created, ${count('update')} updated, ${count('unchanged')} unchanged`,
  ].join('\n');
}
