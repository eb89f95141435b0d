import { readFileSync } from 'node:fs';
import {
  type DepKey,
  eventTypeFilter,
  jobSchedules,
  jobTarget,
  SERVICES,
  type ServiceDefinition,
  subscriptions,
  taskTarget,
} from '../../services/catalogue/catalogue.ts';
import { QUEUE_IDS } from '../../services/google/deps.ts';
import type { SchedulerJobSpec } from '../../shared/adapters/cloud-scheduler/scheduler-jobs.ts';
import type { EmbeddedConfig } from '../../shared/config.ts';
import {
  JOB_ROUTES,
  type JobName,
  PUSH_ROUTES,
  TASK_ROUTES,
  TOPICS,
  type TopicName,
} from '../../shared/http/routes.ts';
import type { QueueName } from '../../shared/ports/task-queue.ts';

/**
 * The one declarative description of every Google Cloud resource the product needs, derived from the service
 * catalogue (services/catalogue/catalogue.ts), the route table (shared/http/routes.ts) and the settings
 * (shared/config.ts). A service, queue, topic or job added there appears here, in `npm run infra:apply` and in the
 * Cloud Run deploy without further edits. Pure: no I/O besides reading infra/firestore/firestore.indexes.json.
 */

/** The settings the description reads: queue ids, topic, schedules, time zone, the push account (all with defaults). */
export type InfraSettings = Pick<
  EmbeddedConfig,
  | 'TASKS_STATUS_QUEUE'
  | 'TASKS_REFUND_QUEUE'
  | 'TASKS_DELIVERY_QUEUE'
  | 'PAYMENT_EVENTS_TOPIC'
  | 'OUTBOX_SWEEP_SCHEDULE'
  | 'SCHEDULER_TIME_ZONE'
  | 'TASKS_SERVICE_ACCOUNT'
> &
  Readonly<Record<string, unknown>>;

export interface Target {
  readonly project: string;
  /** Cloud Run, Cloud Tasks, Cloud Scheduler and Artifact Registry region (e.g. asia-south1). */
  readonly region: string;
  /** Each service's base URL (Cloud Run): push endpoints and OIDC audiences. */
  readonly serviceUrls: ReadonlyMap<string, string>;
}

export interface QueueSpec {
  /** Cloud Tasks queue id. */
  readonly id: string;
  readonly queue: QueueName;
  readonly target: string;
  /** Cloud Tasks' flow control: at most this many dispatches per second, and at once. */
  readonly rateLimits: { readonly maxDispatchesPerSecond: number; readonly maxConcurrentDispatches: number };
  /** -1 attempts: unlimited within maxRetryDurationSeconds. */
  readonly retryConfig: {
    readonly maxAttempts: number;
    readonly maxRetryDurationSeconds: number;
    readonly minBackoffSeconds: number;
    readonly maxBackoffSeconds: number;
    readonly maxDoublings: number;
  };
}

export interface TopicSpec {
  readonly id: string;
  readonly purpose: string;
}

export interface PushSubscriptionSpec {
  readonly kind: 'push';
  readonly id: string;
  readonly topic: string;
  readonly service: string;
  readonly pushEndpoint: string;
  /** OIDC token on every push: this account, this audience (the service's URL, which the service checks). */
  readonly serviceAccountEmail: string;
  readonly audience: string;
  readonly ackDeadlineSeconds: number;
  readonly retryPolicy: { readonly minimumBackoffSeconds: number; readonly maximumBackoffSeconds: number };
  readonly deadLetterTopic: string;
  readonly maxDeliveryAttempts: number;
  readonly enableMessageOrdering: boolean;
  /** Pub/Sub's subscription filter ('' for none): only the event types the service acts on are pushed. Immutable. */
  readonly filter: string;
}

export interface PullSubscriptionSpec {
  readonly kind: 'pull';
  readonly id: string;
  readonly topic: string;
  /** Keeps what lands on a dead-letter topic for an operator to inspect (Pub/Sub drops messages nobody subscribes to). */
  readonly messageRetentionSeconds: number;
  readonly ackDeadlineSeconds: number;
}

export type SubscriptionSpec = PushSubscriptionSpec | PullSubscriptionSpec;

export interface FirestoreIndex {
  readonly collectionGroup: string;
  readonly queryScope: string;
  readonly fields: readonly { readonly fieldPath: string; readonly order?: string; readonly arrayConfig?: string }[];
}

export interface TtlPolicy {
  readonly collectionGroup: string;
  readonly field: string;
}

export interface SecretSpec {
  /** Secret Manager id. */
  readonly id: string;
  /** The setting (environment variable) it is mounted as. */
  readonly env: string;
  readonly meaning: string;
  /** Only mounted when configured (e.g. the app webhook). */
  readonly optional: boolean;
  /** The services that read it. */
  readonly usedBy: readonly string[];
}

export interface ServiceAccountSpec {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
}

/** One IAM grant: `member` gets `role` on the resource. */
export interface IamBinding {
  readonly on:
    | { readonly kind: 'project' }
    | { readonly kind: 'topic' | 'subscription' | 'secret' | 'service-account'; readonly name: string }
    | { readonly kind: 'queue' | 'run-service'; readonly name: string };
  readonly member: string;
  readonly role: string;
  readonly why: string;
}

export interface CloudRunServiceSpec {
  readonly service: string;
  /** Cloud Run service name. */
  readonly name: string;
  readonly url: string;
  /** Public services (customers, operators, Razorpay) take unauthenticated traffic from anywhere and authenticate each
   * request themselves; the others take only internal traffic carrying the push account's OIDC token. */
  readonly public: boolean;
  readonly serviceAccount: string;
  readonly concurrency: number;
  readonly minInstances: number;
  readonly maxInstances: number;
  readonly secrets: readonly SecretSpec[];
  /** Settings only this service gets (SERVICE, its audience, where its tasks go). */
  readonly env: Readonly<Record<string, string>>;
}

export interface Resources {
  readonly project: string;
  readonly region: string;
  readonly apis: readonly string[];
  readonly artifactRepository: string;
  readonly queues: readonly QueueSpec[];
  readonly topics: readonly TopicSpec[];
  readonly subscriptions: readonly SubscriptionSpec[];
  readonly jobs: readonly SchedulerJobSpec[];
  readonly indexes: readonly FirestoreIndex[];
  readonly ttlPolicies: readonly TtlPolicy[];
  readonly secrets: readonly SecretSpec[];
  readonly serviceAccounts: readonly ServiceAccountSpec[];
  /** Account Cloud Tasks, Pub/Sub and Cloud Scheduler sign their OIDC tokens as; the only invoker of private services. */
  readonly pushAccount: string;
  readonly iam: readonly IamBinding[];
  readonly cloudRun: readonly CloudRunServiceSpec[];
}

/** Stands for the project number in members (the Pub/Sub service agent); the gcloud commands fill it in. */
export const PROJECT_NUMBER = '{project-number}';

/** Names every deployed resource starts with. */
export const PREFIX = 'payments';

export const APIS = [
  'run.googleapis.com',
  'firestore.googleapis.com',
  'pubsub.googleapis.com',
  'cloudtasks.googleapis.com',
  'cloudscheduler.googleapis.com',
  'secretmanager.googleapis.com',
  'artifactregistry.googleapis.com',
  'cloudbuild.googleapis.com',
  'iam.googleapis.com',
  'cloudkms.googleapis.com',
] as const;

/** The key-encryption key that wraps each record's data key (SECURITY.md: add a key version, then keys:rotate). */
export const KMS_KEY_RING = 'payments';
export const KMS_KEY = 'payments-kek';

export function kmsKeyName(project: string, region: string): string {
  return `projects/${project}/locations/${region}/keyRings/${KMS_KEY_RING}/cryptoKeys/${KMS_KEY}`;
}

/**
 * Every queue's flow control and retries unless overridden below: status checks are cheap GETs to the gateway, so
 * 50/s stays well inside Razorpay's rate limits; a failing task is retried with backoff (10 s doubling to 5 min) for a
 * day, after which the next scheduled check or the sweep takes over.
 */
const DEFAULT_QUEUE_POLICY: Pick<QueueSpec, 'rateLimits' | 'retryConfig'> = {
  rateLimits: { maxDispatchesPerSecond: 50, maxConcurrentDispatches: 100 },
  retryConfig: {
    maxAttempts: -1,
    maxRetryDurationSeconds: 86_400,
    minBackoffSeconds: 10,
    maxBackoffSeconds: 300,
    maxDoublings: 5,
  },
};
const QUEUE_POLICIES: Partial<Record<QueueName, Partial<Pick<QueueSpec, 'rateLimits' | 'retryConfig'>>>> = {
  // the app's backend is someone else's server: gentler, and fewer at once
  'notification-deliveries': { rateLimits: { maxDispatchesPerSecond: 20, maxConcurrentDispatches: 20 } },
};

/** Pub/Sub push settings of every subscription. */
const PUSH_POLICY = {
  ackDeadlineSeconds: 30,
  retryPolicy: { minimumBackoffSeconds: 10, maximumBackoffSeconds: 600 },
  maxDeliveryAttempts: 10,
  enableMessageOrdering: true,
} as const;
const DEAD_LETTER_RETENTION_SECONDS = 7 * 86_400;

/** Secrets and the dependency that makes a service read them. */
const SECRETS: readonly (Omit<SecretSpec, 'usedBy'> & { readonly need: DepKey })[] = [
  {
    id: 'razorpay-key-secret',
    env: 'RAZORPAY_KEY_SECRET',
    meaning: 'Razorpay API key secret (Basic auth to the API, checkout signatures)',
    optional: false,
    need: 'gateway',
  },
  {
    id: 'razorpay-webhook-secret',
    env: 'RAZORPAY_WEBHOOK_SECRET',
    meaning: 'the secret Razorpay signs webhooks with (X-Razorpay-Signature)',
    optional: false,
    need: 'gateway',
  },
  {
    id: 'operator-api-keys',
    env: 'OPERATOR_API_KEYS',
    meaning: 'operator API keys, `role:key,…` (support, finance)',
    optional: false,
    need: 'operatorKeys',
  },
  {
    id: 'app-webhook-secret',
    env: 'APP_WEBHOOK_SECRET',
    meaning: "HMAC key of the signed notification webhooks to the app's backend (with APP_WEBHOOK_URL)",
    optional: true,
    need: 'channels',
  },
];

const FIRESTORE_NEEDS: readonly DepKey[] = [
  'orders',
  'outbox',
  'inbox',
  'notifications',
  'accounts',
  'attempts',
  'deliveries',
  'operatorKeys',
  'audit',
  'webhookIssues',
  'orderChanges',
];

/** Cloud Run sizing: public services keep one warm instance for the checkout's latency; the others scale to zero. */
function sizing(
  service: ServiceDefinition,
): Pick<CloudRunServiceSpec, 'concurrency' | 'minInstances' | 'maxInstances'> {
  if (service.name === 'api') return { concurrency: 80, minInstances: 1, maxInstances: 20 };
  if (service.publicPaths.length > 0) return { concurrency: 80, minInstances: 0, maxInstances: 10 };
  return { concurrency: 40, minInstances: 0, maxInstances: 10 };
}

/** Cloud Run's deterministic service URL: `https://<service>-<project number>.<region>.run.app`. */
export function cloudRunUrl(service: string, projectNumber: string, region: string): string {
  return `https://${PREFIX}-${service}-${projectNumber}.${region}.run.app`;
}

/** Every catalogue service's URL in a project whose number is known. */
export function cloudRunUrls(projectNumber: string, region: string): Map<string, string> {
  return new Map(SERVICES.map((s) => [s.name, cloudRunUrl(s.name, projectNumber, region)]));
}

/** The topic id a product topic is published under (a setting for payment-events). */
export function topicId(topic: TopicName, settings: InfraSettings): string {
  const setting = `${topic.toUpperCase().replace(/-/g, '_')}_TOPIC`;
  const configured = settings[setting];
  return typeof configured === 'string' && configured !== '' ? configured : topic;
}

/** The Cloud Tasks queue id of a product queue (its setting, e.g. TASKS_STATUS_QUEUE). */
export function queueId(queue: QueueName, settings: InfraSettings): string {
  const configured = settings[(QUEUE_IDS as Record<string, string>)[queue] ?? ''];
  return typeof configured === 'string' && configured !== '' ? configured : queue;
}

export function readFirestoreIndexes(file: URL = new URL('../firestore/firestore.indexes.json', import.meta.url)): {
  indexes: FirestoreIndex[];
  ttlPolicies: TtlPolicy[];
} {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as {
    indexes?: FirestoreIndex[];
    fieldOverrides?: { collectionGroup: string; fieldPath: string; ttl?: boolean }[];
  };
  return {
    indexes: (parsed.indexes ?? []).map((i) => ({ ...i, queryScope: i.queryScope ?? 'COLLECTION' })),
    ttlPolicies: (parsed.fieldOverrides ?? [])
      .filter((o) => o.ttl === true)
      .map((o) => ({ collectionGroup: o.collectionGroup, field: o.fieldPath })),
  };
}

function url(target: Target, service: string): string {
  const found = target.serviceUrls.get(service);
  if (!found) throw new Error(`no URL for the ${service} service: set SERVICE_URLS or --project-number`);
  return found.replace(/\/+$/, '');
}

/** The whole description for one project and region. */
export function describeResources(settings: InfraSettings, target: Target): Resources {
  const { project, region } = target;
  const saEmail = (id: string) => `${id}@${project}.iam.gserviceaccount.com`;
  const pushAccount = settings.TASKS_SERVICE_ACCOUNT ?? saEmail(`${PREFIX}-pusher`);
  const deployer = saEmail(`${PREFIX}-deployer`);
  const pubsubAgent = `serviceAccount:service-${PROJECT_NUMBER}@gcp-sa-pubsub.iam.gserviceaccount.com`;

  const queues: QueueSpec[] = (Object.keys(TASK_ROUTES) as QueueName[]).map((queue) => {
    const policy = QUEUE_POLICIES[queue] ?? {};
    return {
      id: queueId(queue, settings),
      queue,
      target: taskTarget(queue).name,
      rateLimits: policy.rateLimits ?? DEFAULT_QUEUE_POLICY.rateLimits,
      retryConfig: policy.retryConfig ?? DEFAULT_QUEUE_POLICY.retryConfig,
    };
  });

  const topics: TopicSpec[] = TOPICS.flatMap((topic) => [
    { id: topicId(topic, settings), purpose: `${topic}: published by the outbox relay after each commit` },
    {
      id: `${topicId(topic, settings)}-dead-letter`,
      purpose: `${topic} messages a subscriber failed ${PUSH_POLICY.maxDeliveryAttempts} times`,
    },
  ]);
  const subs: SubscriptionSpec[] = [
    ...subscriptions().map((sub): PushSubscriptionSpec => {
      const base = url(target, sub.service.name);
      return {
        kind: 'push',
        id: sub.name,
        topic: topicId(sub.topic, settings),
        service: sub.service.name,
        pushEndpoint: `${base}${PUSH_ROUTES[sub.topic]}`,
        serviceAccountEmail: pushAccount,
        audience: base,
        ackDeadlineSeconds: PUSH_POLICY.ackDeadlineSeconds,
        retryPolicy: PUSH_POLICY.retryPolicy,
        deadLetterTopic: `${topicId(sub.topic, settings)}-dead-letter`,
        maxDeliveryAttempts: PUSH_POLICY.maxDeliveryAttempts,
        enableMessageOrdering: PUSH_POLICY.enableMessageOrdering,
        filter: eventTypeFilter(sub.eventTypes),
      };
    }),
    ...TOPICS.map(
      (topic): PullSubscriptionSpec => ({
        kind: 'pull',
        id: `${topicId(topic, settings)}-dead-letter-hold`,
        topic: `${topicId(topic, settings)}-dead-letter`,
        messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
        ackDeadlineSeconds: 60,
      }),
    ),
  ];

  const schedules = jobSchedules(settings as unknown as EmbeddedConfig);
  const jobs: SchedulerJobSpec[] = (Object.keys(JOB_ROUTES) as JobName[]).map((job) => {
    const base = url(target, jobTarget(job).name);
    return {
      id: job,
      schedule: schedules[job],
      timeZone: settings.SCHEDULER_TIME_ZONE,
      uri: `${base}${JOB_ROUTES[job]}`,
      serviceAccountEmail: pushAccount,
      audience: base,
    };
  });

  const secrets: SecretSpec[] = SECRETS.map(({ need, ...secret }) => ({
    ...secret,
    usedBy: SERVICES.filter((s) => s.needs.includes(need)).map((s) => s.name),
  }));
  const serviceAccounts: ServiceAccountSpec[] = [
    ...SERVICES.map((s) => ({
      id: `${PREFIX}-${s.name}`,
      email: saEmail(`${PREFIX}-${s.name}`),
      displayName: `payments ${s.name} (Cloud Run)`,
    })),
    ...(settings.TASKS_SERVICE_ACCOUNT
      ? []
      : [
          { id: `${PREFIX}-pusher`, email: pushAccount, displayName: 'payments: OIDC identity of tasks, pushes, jobs' },
        ]),
    { id: `${PREFIX}-deployer`, email: deployer, displayName: 'payments: Cloud Build deploys and applies infra' },
  ];

  const iam: IamBinding[] = [];
  for (const s of SERVICES) {
    const member = `serviceAccount:${saEmail(`${PREFIX}-${s.name}`)}`;
    if (s.needs.some((n) => FIRESTORE_NEEDS.includes(n))) {
      iam.push({
        on: { kind: 'project' },
        member,
        role: 'roles/datastore.user',
        why: `${s.name} reads and writes Firestore`,
      });
      iam.push({
        on: { kind: 'project' },
        member,
        role: 'roles/cloudkms.cryptoKeyEncrypterDecrypter',
        why: `${s.name} unwraps the data keys of the payment information it stores (${KMS_KEY})`,
      });
    }
    if (s.needs.includes('bus'))
      for (const topic of TOPICS)
        iam.push({
          on: { kind: 'topic', name: topicId(topic, settings) },
          member,
          role: 'roles/pubsub.publisher',
          why: `${s.name} publishes events (outbox relay)`,
        });
    for (const queue of s.enqueues) {
      iam.push({
        on: { kind: 'queue', name: queueId(queue, settings) },
        member,
        role: 'roles/cloudtasks.enqueuer',
        why: `${s.name} enqueues to ${queue}`,
      });
    }
    if (s.enqueues.length > 0)
      iam.push({
        on: { kind: 'service-account', name: pushAccount },
        member,
        role: 'roles/iam.serviceAccountUser',
        why: `${s.name} creates tasks that carry the push account's OIDC token`,
      });
    for (const secret of secrets)
      if (secret.usedBy.includes(s.name))
        iam.push({
          on: { kind: 'secret', name: secret.id },
          member,
          role: 'roles/secretmanager.secretAccessor',
          why: `${s.name} reads ${secret.env}`,
        });
  }
  for (const topic of TOPICS)
    iam.push({
      on: { kind: 'topic', name: `${topicId(topic, settings)}-dead-letter` },
      member: pubsubAgent,
      role: 'roles/pubsub.publisher',
      why: 'Pub/Sub forwards undeliverable messages to the dead-letter topic',
    });
  for (const sub of subs)
    if (sub.kind === 'push')
      iam.push({
        on: { kind: 'subscription', name: sub.id },
        member: pubsubAgent,
        role: 'roles/pubsub.subscriber',
        why: 'Pub/Sub acknowledges what it forwards to the dead-letter topic',
      });
  iam.push({
    on: { kind: 'service-account', name: pushAccount },
    member: pubsubAgent,
    role: 'roles/iam.serviceAccountTokenCreator',
    why: 'Pub/Sub mints the OIDC tokens of its pushes',
  });
  // the build's own identity (cloudbuild.yaml runs as it): push the image, deploy, apply queues, topics and jobs
  for (const [role, why] of [
    ['roles/run.admin', 'deploys the Cloud Run services and grants their invoker'],
    ['roles/artifactregistry.writer', 'pushes the image'],
    ['roles/cloudtasks.queueAdmin', 'creates and updates the queues'],
    ['roles/pubsub.editor', 'creates topics and subscriptions'],
    ['roles/cloudscheduler.admin', 'creates and updates the jobs'],
    ['roles/logging.logWriter', "writes the build's logs"],
    ['roles/browser', 'reads the project number (Cloud Run URLs)'],
  ] as const)
    iam.push({ on: { kind: 'project' }, member: `serviceAccount:${deployer}`, role, why: `the deployer ${why}` });
  for (const sa of serviceAccounts)
    if (sa.email !== deployer)
      iam.push({
        on: { kind: 'service-account', name: sa.email },
        member: `serviceAccount:${deployer}`,
        role: 'roles/iam.serviceAccountUser',
        why: `the deployer runs services as, or attaches OIDC tokens of, ${sa.id}`,
      });
  const cloudRun: CloudRunServiceSpec[] = SERVICES.map((s) => {
    const isPublic = s.publicPaths.length > 0;
    const taskTargets = s.enqueues.map((q) => taskTarget(q).name);
    return {
      service: s.name,
      name: `${PREFIX}-${s.name}`,
      url: url(target, s.name),
      public: isPublic,
      serviceAccount: saEmail(`${PREFIX}-${s.name}`),
      ...sizing(s),
      secrets: secrets.filter((secret) => secret.usedBy.includes(s.name)),
      env: {
        SERVICE: s.name,
        GOOGLE_CLOUD_PROJECT: project,
        PUSH_OIDC_AUDIENCE: url(target, s.name),
        PUSH_SERVICE_ACCOUNT: pushAccount,
        TASKS_SERVICE_ACCOUNT: pushAccount,
        TASKS_LOCATION: region,
        ...(s.needs.some((n) => FIRESTORE_NEEDS.includes(n)) ? { KMS_KEY_NAME: kmsKeyName(project, region) } : {}),
        ...(taskTargets.length > 0
          ? { SERVICE_URLS: [...new Set(taskTargets)].map((t) => `${t}=${url(target, t)}`).join(',') }
          : {}),
      },
    };
  });
  for (const run of cloudRun)
    if (!run.public)
      iam.push({
        on: { kind: 'run-service', name: run.name },
        member: `serviceAccount:${pushAccount}`,
        role: 'roles/run.invoker',
        why: `tasks, pushes and jobs reach ${run.service} with the push account's token`,
      });

  const firestore = readFirestoreIndexes();
  return {
    project,
    region,
    apis: APIS,
    artifactRepository: PREFIX,
    queues,
    topics,
    subscriptions: subs,
    jobs,
    indexes: firestore.indexes,
    ttlPolicies: firestore.ttlPolicies,
    secrets,
    serviceAccounts,
    pushAccount,
    iam,
    cloudRun,
  };
}
