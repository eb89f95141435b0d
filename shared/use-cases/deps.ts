import type { Clock } from '../ports/clock.ts';
import type { EventBus } from '../ports/event-bus.ts';
import type { IdGenerator } from '../ports/id-generator.ts';
import type { InboxStore } from '../ports/inbox-store.ts';
import type { Logger } from '../ports/logger.ts';
import type { NotificationStore } from '../ports/notification-store.ts';
import type { OrderStore } from '../ports/order-store.ts';
import type { Outbox } from '../ports/outbox.ts';
import type { PaymentGateway } from '../ports/payment-gateway.ts';
import type { TaskQueue } from '../ports/task-queue.ts';

export interface PaymentSettings {
  readonly statusCheckIntervalSeconds: number;
  readonly paymentMaxAgeSeconds: number;
}

/** Everything a use case may be handed. Each takes only the `Pick` it needs, which documents its reach. */
export interface Deps {
  readonly orders: OrderStore;
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
}
