import type { QueueName } from '../ports/task-queue.ts';

/**
 * The one table of internal routes: the path each Cloud Tasks queue, Pub/Sub push subscription and Cloud Scheduler
 * job is delivered to on its target service. Services register these paths; composition roots build target URLs
 * from them. Public paths (`/v1`, `/webhooks`) are not here: they are each service's own.
 */
export const TASK_ROUTES = {
  'status-checks': '/tasks/check-payment',
  'refund-checks': '/tasks/check-refund',
  'notification-deliveries': '/tasks/deliver-notification',
  reconciliations: '/tasks/reconcile',
} as const satisfies Record<QueueName, string>;

/** Topics the product publishes; each subscriber receives a topic's pushes at `PUSH_ROUTES[topic]`. */
export const TOPICS = ['payment-events'] as const;
export type TopicName = (typeof TOPICS)[number];

export const PUSH_ROUTES = {
  'payment-events': '/pubsub/payment-events',
} as const satisfies Record<TopicName, string>;

/** Cloud Scheduler jobs: what each calls. Their schedules are settings (shared/config.ts). */
export const JOBS = ['outbox-sweep', 'nightly-reconciliation'] as const;
export type JobName = (typeof JOBS)[number];

export const JOB_ROUTES = {
  'outbox-sweep': '/jobs/sweep-outbox',
  'nightly-reconciliation': '/jobs/reconcile',
} as const satisfies Record<JobName, string>;
