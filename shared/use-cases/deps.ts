import type { AccountStore } from '../ports/account-store.ts';
import type { AttemptCounter } from '../ports/attempt-counter.ts';
import type { AuditLog } from '../ports/audit-log.ts';
import type { Clock } from '../ports/clock.ts';
import type { DeliveryStore } from '../ports/delivery-store.ts';
import type { EventBus } from '../ports/event-bus.ts';
import type { IdGenerator } from '../ports/id-generator.ts';
import type { InboxStore } from '../ports/inbox-store.ts';
import type { Logger } from '../ports/logger.ts';
import type { NotificationChannel } from '../ports/notification-channel.ts';
import type { NotificationStore } from '../ports/notification-store.ts';
import type { OperatorKeyStore } from '../ports/operator-keys.ts';
import type { OrderChanges } from '../ports/order-changes.ts';
import type { OrderStore } from '../ports/order-store.ts';
import type { Outbox } from '../ports/outbox.ts';
import type { PaymentGateway } from '../ports/payment-gateway.ts';
import type { ReconciliationStore } from '../ports/reconciliation-store.ts';
import type { TaskQueue } from '../ports/task-queue.ts';
import type { WebhookIssueStore } from '../ports/webhook-issue-store.ts';
import type { WebhookPoster } from '../ports/webhook-poster.ts';

export interface PaymentSettings {
  readonly statusCheckIntervalSeconds: number;
  readonly paymentMaxAgeSeconds: number;
  /** Order age after which status checks back off (see nextCheckDelaySeconds); absent or 0: never. */
  readonly statusCheckBackoffAfterSeconds?: number;
  /** Seconds between two checks of a refund the gateway still has pending. */
  readonly refundCheckIntervalSeconds: number;
  /** Failed attempts (across redeliveries) after which a transient failure counts as permanent. */
  readonly maxTransientAttempts: number;
  /** The app backend's webhook endpoint and the secret its deliveries are signed with; null: no webhook channel. */
  readonly appWebhook: { readonly url: string; readonly secret: string } | null;
  /** A webhook whose event is older than this is acknowledged but not applied (a replay). Default 86 400. */
  readonly webhookToleranceSeconds?: number;
}

/** How reconciliation runs: the business day's time zone, and how hard it may press on the gateway. */
export interface ReconciliationSettings {
  /** The time zone a business day is a calendar day of (Asia/Kolkata). */
  readonly timeZone: string;
  /** Status checks in flight at once. */
  readonly concurrency: number;
  /** Gateway calls started per second at most: the gateway's rate limit, with room for live traffic. */
  readonly gatewayRequestsPerSecond: number;
  /** Seconds a run holds its day without renewing (it renews every page); a killed run's day frees itself. */
  readonly leaseSeconds: number;
}

/** Everything a use case may be handed. Each takes only the `Pick` it needs, which documents its reach. */
export interface Deps {
  readonly orders: OrderStore;
  /** Live changes of an order (Firestore snapshot listener; the in-memory store's commits). */
  readonly orderChanges: OrderChanges;
  readonly outbox: Outbox;
  readonly bus: EventBus;
  readonly tasks: TaskQueue;
  readonly gateway: PaymentGateway;
  readonly inbox: InboxStore;
  readonly notifications: NotificationStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly settings: PaymentSettings;
  readonly accounts: AccountStore;
  readonly attempts: AttemptCounter;
  readonly deliveries: DeliveryStore;
  readonly operatorKeys: OperatorKeyStore;
  /** The append-only log of operator actions. */
  readonly audit: AuditLog;
  /** Signed webhooks that could not be applied, kept for a person. */
  readonly webhookIssues: WebhookIssueStore;
  /** Where notifications go besides the customer's feed. */
  readonly channels: readonly NotificationChannel[];
  readonly webhooks: WebhookPoster;
  /** Reconciliation runs, their differences and the per-day leases. */
  readonly reconciliations: ReconciliationStore;
  readonly reconciliation: ReconciliationSettings;
}
