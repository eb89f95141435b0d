import type { EmbeddedConfig, GoogleConfig } from '../../shared/config.ts';
import type { PaymentEventType } from '../../shared/domain/events.ts';
import type { TokenVerifier } from '../../shared/http/auth.ts';
import type { AbuseLimits } from '../../shared/http/rate-limits.ts';
import type { JobName, TopicName } from '../../shared/http/routes.ts';
import type { Logger } from '../../shared/ports/logger.ts';
import type { QueueName } from '../../shared/ports/task-queue.ts';
import type { Deps } from '../../shared/use-cases/deps.ts';
import { REFUND_EVENTS } from '../../shared/use-cases/handle-refund-event.ts';
import { SETTLING_EVENTS } from '../../shared/use-cases/settle-account.ts';
import { createApp as createApiApp } from '../api/app.ts';
import { createApp as createFulfillmentApp } from '../fulfillment/app.ts';
import { createApp as createNotifierApp } from '../notifier/app.ts';
import { createApp as createReconcilerApp } from '../reconciler/app.ts';
import { createApp as createRefundsApp } from '../refunds/app.ts';
import { createApp as createStatusCheckerApp } from '../status-checker/app.ts';
import { createApp as createWebhooksApp } from '../webhooks/app.ts';

/** Everything a service's app may be handed; each entry's `needs` says which of it the service gets. */
export interface ServiceDeps extends Deps {
  /** Verifies customers' bearer tokens. */
  readonly customerTokens: TokenVerifier;
  /** Verifies the OIDC tokens of Cloud Tasks, Pub/Sub and Cloud Scheduler pushes; null only on the Pub/Sub emulator. */
  readonly pushTokens: TokenVerifier | null;
}

/** A dependency a service can ask for; `logger` and `bodyLimitBytes` every service gets. */
export type DepKey = Exclude<keyof ServiceDeps, 'logger'>;

/** What every service is handed besides its needs. */
export interface ServiceBasics {
  readonly logger: Logger;
  readonly bodyLimitBytes: number;
  /** Rate limits and the open-order cap of the public API (default: shared/config.ts's). */
  readonly limits?: AbuseLimits;
  /** Browser origins allowed to call the public API; none by default. */
  readonly corsOrigins?: readonly string[];
}

export interface ServiceApp {
  fetch(request: Request): Response | Promise<Response>;
}

/** One entry of the catalogue: all a runtime needs to know to build, route to and wire one service. */
export interface ServiceDefinition<K extends DepKey = DepKey> {
  readonly name: string;
  readonly description: string;
  /** Exactly the dependencies the service's app uses: a runtime builds these clients and secrets and no others. */
  readonly needs: readonly K[];
  readonly createApp: (deps: Pick<ServiceDeps, K> & ServiceBasics) => ServiceApp;
  /** Public path patterns the front door (load balancer) routes here; none for internal services. */
  readonly publicPaths: readonly string[];
  /** Cloud Tasks queues whose tasks this service receives (at `TASK_ROUTES[queue]`). */
  readonly receivesTasks: readonly QueueName[];
  /** Queues this service enqueues to: a runtime gives it their targets. */
  readonly enqueues: readonly QueueName[];
  /** Topics this service receives by push subscription (at `PUSH_ROUTES[topic]`), one subscription each. */
  readonly subscribes: readonly TopicName[];
  /**
   * The event types it acts on, when not all: its subscriptions filter on the `eventType` attribute, so Pub/Sub
   * drops the rest before a push (no request, no CPU for an event the handler would only ignore).
   */
  readonly acceptsEvents?: readonly PaymentEventType[];
  /** Cloud Scheduler jobs that call this service (at `JOB_ROUTES[job]`). */
  readonly jobs: readonly JobName[];
}

/** Keeps each entry's `needs` and `createApp` in step: a need missing from the list is a type error. */
function service<K extends DepKey>(definition: ServiceDefinition<K>): ServiceDefinition {
  return definition as unknown as ServiceDefinition;
}

/**
 * The catalogue of services: the one place that says which services exist and how they connect. The embedded stack
 * (`npm start`), the emulator topology (`npm run start:emulators`) and the Cloud Run entry point are all built from it.
 */
export const SERVICES: readonly ServiceDefinition[] = [
  service({
    name: 'api',
    description: 'customer API (orders, confirm, history, account, notifications) and operator routes',
    needs: [
      'orders',
      'orderChanges',
      'outbox',
      'bus',
      'tasks',
      'gateway',
      'notifications',
      'accounts',
      'deliveries',
      'operatorKeys',
      'audit',
      'webhookIssues',
      'clock',
      'ids',
      'settings',
      'reconciliations',
      'reconciliation',
      'customerTokens',
    ],
    createApp: createApiApp,
    // the OpenAPI document and its reference page beside the API they describe
    publicPaths: ['/v1/*', '/openapi.json', '/docs'],
    receivesTasks: [],
    enqueues: ['status-checks', 'refund-checks', 'reconciliations'],
    subscribes: [],
    jobs: [],
  }),
  service({
    name: 'webhooks',
    description: 'gateway webhooks, signature-checked, applied through the state machine',
    needs: ['gateway', 'orders', 'outbox', 'bus', 'inbox', 'webhookIssues', 'clock', 'settings'],
    createApp: createWebhooksApp,
    publicPaths: ['/webhooks/*'],
    receivesTasks: [],
    enqueues: [],
    subscribes: [],
    jobs: [],
  }),
  service({
    name: 'status-checker',
    description: 'status-check tasks: asks the gateway, settles the order, schedules the next check; outbox sweep',
    needs: ['orders', 'outbox', 'bus', 'tasks', 'gateway', 'clock', 'settings', 'pushTokens'],
    createApp: createStatusCheckerApp,
    publicPaths: [],
    receivesTasks: ['status-checks'],
    enqueues: ['status-checks'],
    subscribes: [],
    jobs: ['outbox-sweep'],
  }),
  service({
    name: 'notifier',
    description: "the customer's notification feed and channels; app-webhook delivery tasks",
    needs: ['notifications', 'channels', 'webhooks', 'deliveries', 'clock', 'settings', 'pushTokens'],
    createApp: createNotifierApp,
    publicPaths: [],
    receivesTasks: ['notification-deliveries'],
    enqueues: ['notification-deliveries'],
    subscribes: ['payment-events'],
    jobs: [],
  }),
  service({
    name: 'fulfillment',
    description: "credits the customer's account on success, debits it on refund",
    needs: ['orders', 'outbox', 'bus', 'accounts', 'attempts', 'clock', 'settings', 'pushTokens'],
    createApp: createFulfillmentApp,
    publicPaths: [],
    receivesTasks: [],
    enqueues: [],
    subscribes: ['payment-events'],
    acceptsEvents: SETTLING_EVENTS,
    jobs: [],
  }),
  service({
    name: 'refunds',
    description: 'automatic refunds, submits refunds to the gateway, refund status checks',
    needs: ['orders', 'outbox', 'bus', 'tasks', 'gateway', 'attempts', 'clock', 'settings', 'pushTokens'],
    createApp: createRefundsApp,
    publicPaths: [],
    receivesTasks: ['refund-checks'],
    enqueues: ['refund-checks'],
    subscribes: ['payment-events'],
    acceptsEvents: REFUND_EVENTS,
    jobs: [],
  }),
  service({
    name: 'reconciler',
    description: "reconciles a business day with the gateway's books: settles open orders, reports differences",
    needs: [
      'orders',
      'outbox',
      'bus',
      'tasks',
      'gateway',
      'clock',
      'ids',
      'settings',
      'reconciliations',
      'reconciliation',
      'channels',
      'pushTokens',
    ],
    createApp: createReconcilerApp,
    publicPaths: [],
    receivesTasks: ['reconciliations'],
    enqueues: ['status-checks', 'reconciliations', 'notification-deliveries'],
    subscribes: [],
    jobs: ['nightly-reconciliation'],
  }),
];

/** Which setting holds each scheduler job's cron schedule (in SCHEDULER_TIME_ZONE); defaults in shared/config.ts. */
export const JOB_SCHEDULES = {
  'outbox-sweep': 'OUTBOX_SWEEP_SCHEDULE',
  'nightly-reconciliation': 'RECONCILIATION_SCHEDULE',
} as const satisfies Record<JobName, keyof EmbeddedConfig & keyof GoogleConfig>;

/** Each job's schedule under a configuration. */
export function jobSchedules(config: EmbeddedConfig | GoogleConfig): Record<JobName, string> {
  return Object.fromEntries(
    (Object.keys(JOB_SCHEDULES) as JobName[]).map((job) => [job, config[JOB_SCHEDULES[job]]]),
  ) as Record<JobName, string>;
}

/** The entry named `name`, or undefined (own-property lookup: a name from the environment is never a prototype key). */
export function findService(name: string): ServiceDefinition | undefined {
  return SERVICES.find((s) => s.name === name);
}

/** The service that receives a queue's tasks. */
export function taskTarget(queue: QueueName): ServiceDefinition {
  const target = SERVICES.find((s) => s.receivesTasks.includes(queue));
  if (!target) throw new Error(`no service in the catalogue receives ${queue}`);
  return target;
}

/** The service a scheduler job calls. */
export function jobTarget(job: JobName): ServiceDefinition {
  const target = SERVICES.find((s) => s.jobs.includes(job));
  if (!target) throw new Error(`no service in the catalogue receives the ${job} job`);
  return target;
}

/**
 * Every push subscription: one per subscribing service and topic, named `<service>-<topic>`, with the event types it
 * delivers (null: all).
 */
export function subscriptions(): {
  name: string;
  service: ServiceDefinition;
  topic: TopicName;
  eventTypes: readonly PaymentEventType[] | null;
}[] {
  return SERVICES.flatMap((s) =>
    s.subscribes.map((topic) => ({
      name: `${s.name}-${topic}`,
      service: s,
      topic,
      eventTypes: s.acceptsEvents ?? null,
    })),
  );
}

/** The Pub/Sub subscription filter for `eventTypes` (on the `eventType` attribute every publish sets); '' for all. */
export function eventTypeFilter(eventTypes: readonly PaymentEventType[] | null): string {
  return eventTypes ? eventTypes.map((t) => `attributes.eventType = "${t}"`).join(' OR ') : '';
}
