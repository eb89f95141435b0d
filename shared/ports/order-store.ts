import type { PaymentEvent } from '../domain/events.ts';
import type { Order, PaymentStatus } from '../domain/payment-types.ts';
import type { AuditEntry } from '../domain/permissions.ts';

/** Binds an Idempotency-Key to the request it first came with. */
export interface IdempotencyRecord {
  readonly customerId: string;
  readonly key: string;
  /** A digest of the request body; the same key with another body is a conflict. */
  readonly fingerprint: string;
}

export type CreateOrderResult =
  | { readonly kind: 'created'; readonly order: Order }
  | { readonly kind: 'existing'; readonly order: Order }
  | { readonly kind: 'conflict' };

/** What a read-modify-write wants to commit: the new order and the events it causes, written together. */
export interface OrderChange {
  readonly order: Order;
  readonly events: readonly PaymentEvent[];
  /** Operator actions that caused the change, written to the audit log in the same transaction. */
  readonly audit?: readonly AuditEntry[];
}

export interface OrderQuery {
  readonly customerId: string;
  readonly status?: PaymentStatus;
  /** Inclusive lower and exclusive upper bound on createdAt (ISO 8601). */
  readonly createdFrom?: string;
  readonly createdTo?: string;
  readonly limit: number;
  /** Opaque, from a previous page's `nextCursor`. */
  readonly cursor?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

export interface OrderStore {
  /**
   * Creates the order, its idempotency record and its events in one transaction. If the key was used before:
   * the same fingerprint returns the existing order, another fingerprint is a conflict. Nothing is written then.
   */
  create(order: Order, idempotency: IdempotencyRecord, events: readonly PaymentEvent[]): Promise<CreateOrderResult>;
  /**
   * What `create` would answer for a key already used (`existing` or `conflict`), or null for a key not seen: read
   * before anything is created elsewhere (the gateway's order), so a retried request creates nothing twice. A read
   * only; `create` checks the key again in its transaction.
   */
  findByIdempotencyKey(idempotency: IdempotencyRecord): Promise<Exclude<CreateOrderResult, { kind: 'created' }> | null>;
  get(orderId: string): Promise<Order | null>;
  findByGatewayOrderId(gatewayOrderId: string): Promise<Order | null>;
  /**
   * Transactional read-modify-write. `change` must be pure: adapters may run it more than once (Firestore retries
   * contended transactions). Returning null commits nothing. The events are written to the outbox in the same
   * transaction. Resolves to the committed order, or null when nothing changed or the order does not exist.
   */
  update(orderId: string, change: (order: Order) => OrderChange | null): Promise<Order | null>;
  /** A customer's history, newest first. */
  list(query: OrderQuery): Promise<Page<Order>>;
  /**
   * How many of the customer's orders are open (created or processing), counted up to `limit`: the open-order cap's
   * question on every create, answered without reading an order (a Firestore count query is billed one read per
   * 1,000 index entries; listing them was a read and a decryption per order).
   */
  countOpen(customerId: string, limit: number): Promise<number>;
  /** Orders not yet terminal, created in [from, to): for the nightly settlement job. */
  listOpen(createdFrom: string, createdTo: string, limit: number): Promise<readonly Order[]>;
  /**
   * Every order created in [from, to) (ISO 8601), any customer and status, oldest first (ties by id), a page at a
   * time: reconciliation streams a day of any size through this, never holding it all.
   */
  listCreated(createdFrom: string, createdTo: string, limit: number, cursor?: string): Promise<Page<Order>>;
}
