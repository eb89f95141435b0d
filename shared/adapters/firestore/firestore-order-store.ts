import {
  type CollectionReference,
  FieldPath,
  type Firestore,
  type Query,
  type Transaction,
} from '@google-cloud/firestore';
import { decodeCursor, encodeCursor } from '../../domain/cursor.ts';
import { AppError } from '../../domain/errors.ts';
import type { PaymentEvent } from '../../domain/events.ts';
import { OPEN_STATUSES } from '../../domain/order.ts';
import type { Order } from '../../domain/payment-types.ts';
import type { OrderChanges, Unsubscribe } from '../../ports/order-changes.ts';
import type {
  CreateOrderResult,
  IdempotencyRecord,
  OrderChange,
  OrderQuery,
  OrderStore,
  Page,
} from '../../ports/order-store.ts';
import type { Outbox, OutboxEntry } from '../../ports/outbox.ts';
import { type FieldCipher, isSealed, type Sealed } from '../crypto/field-cipher.ts';
import { joinRecord, type SealingPlan, splitRecord } from '../crypto/sealed-record.ts';
import { writeAudit } from './firestore-audit-log.ts';
import { hashedId, safeDocId, toData } from './firestore-docs.ts';
import { expiresAt } from './retention.ts';

/** The idempotency record as stored: doc id = sha256(customerId, key), so a client's key never shapes a path. */
interface IdempotencyDoc {
  readonly customerId: string;
  readonly key: string;
  readonly fingerprint: string;
  readonly orderId: string;
  readonly createdAt: string;
  /** Firestore's TTL policy deletes the record after this (see retention.ts). */
  readonly expiresAt: Date;
}

/** Outbox doc: id = the event id (deterministic), so writing the same event again is harmless. */
interface OutboxDoc {
  readonly event: PaymentEvent;
  readonly createdAt: string;
}

/** Statuses `listOpen` returns: the non-terminal ones (see isTerminal in shared/domain/order.ts). */

/**
 * What an order holds that identifies a payer or is free text from the app, an operator or the gateway: sealed with
 * the order's data key before it reaches Firestore. Capture fields name what a gateway may report about the payer;
 * those a capture does not carry are skipped. No query ever filters on any of them.
 */
export const ORDER_SEALING: SealingPlan = {
  top: ['description', 'notes'],
  inArrays: {
    timeline: ['detail'],
    refunds: ['reason', 'failureReason'],
    captures: [
      'contact',
      'email',
      'vpa',
      'bankReference',
      'bank',
      'wallet',
      'cardNetwork',
      'cardLast4',
      'card',
      'errorCode',
      'errorDescription',
      'errorReason',
      'raw',
      'gatewayPayload',
    ],
  },
};

/** The order document as stored: the order without its sealed fields, and those fields in one envelope. */
type OrderDoc = Record<string, unknown> & { readonly sealed: Sealed };

/** Firestore caps a batched write at 500 operations. */
const MAX_BATCH = 500;

/**
 * Orders, idempotency records and the outbox in Firestore (Native mode).
 *
 * Collections (each optionally prefixed, so tests can share an emulator project):
 *   - `orders/{orderId}`: the Order as the domain shapes it, except that the fields ORDER_SEALING names are kept in
 *     `sealed`, one AES-256-GCM envelope under the order's own data key (see shared/adapters/crypto/field-cipher.ts). Order ids are random (`ord_` + 20 base62 chars, see
 *     RandomIds), so writes spread over the key range: no monotonically increasing ids, no hot-spotted tablet.
 *     Times are the domain's ISO 8601 UTC strings, which sort lexically in time order.
 *   - `idempotency-keys/{sha256(customerId, key)}`: binds an Idempotency-Key to its request fingerprint and order.
 *   - `outbox/{eventId}`: events committed with the change that caused them, deleted once published.
 *
 * Every state change is one `runTransaction`. Firestore may run the callback more than once (contention, aborts),
 * so callbacks do nothing but the transaction's own reads and writes, and `update`'s `change` is required to be pure.
 * Queries need the composite indexes in infra/firestore/firestore.indexes.json.
 */
export class FirestoreOrderStore implements OrderStore, Outbox, OrderChanges {
  private readonly orders: CollectionReference;
  private readonly idempotency: CollectionReference;
  private readonly outbox: CollectionReference;

  constructor(
    private readonly db: Firestore,
    private readonly cipher: FieldCipher,
    private readonly prefix = '',
  ) {
    this.orders = db.collection(`${prefix}orders`);
    this.idempotency = db.collection(`${prefix}idempotency-keys`);
    this.outbox = db.collection(`${prefix}outbox`);
  }

  async create(order: Order, idem: IdempotencyRecord, events: readonly PaymentEvent[]): Promise<CreateOrderResult> {
    const idemRef = this.idempotency.doc(hashedId(idem.customerId, idem.key));
    const orderRef = this.orders.doc(order.id);
    const data = toData(order);
    const doc = await this.seal(data, null);
    return this.db.runTransaction<CreateOrderResult>(async (tx) => {
      const existing = await tx.get(idemRef);
      if (existing.exists) {
        const record = existing.data() as IdempotencyDoc;
        if (record.fingerprint !== idem.fingerprint) return { kind: 'conflict' };
        const found = await tx.get(this.orders.doc(record.orderId));
        if (!found.exists) throw new AppError('internal', 'idempotency record points at a missing order');
        return { kind: 'existing', order: await this.open(found.data()) };
      }
      // `create` (not `set`): a colliding order id fails the transaction instead of overwriting an order.
      tx.create(orderRef, doc);
      tx.create(idemRef, idempotencyDoc(idem, order));
      this.writeEvents(tx, events);
      return { kind: 'created', order: toData(data) };
    });
  }

  async findByIdempotencyKey(idem: IdempotencyRecord): Promise<Exclude<CreateOrderResult, { kind: 'created' }> | null> {
    const snap = await this.idempotency.doc(hashedId(idem.customerId, idem.key)).get();
    if (!snap.exists) return null;
    const record = snap.data() as IdempotencyDoc;
    if (record.fingerprint !== idem.fingerprint) return { kind: 'conflict' };
    const found = await this.orders.doc(record.orderId).get();
    if (!found.exists) throw new AppError('internal', 'idempotency record points at a missing order');
    return { kind: 'existing', order: await this.open(found.data()) };
  }

  /**
   * Writes orders made elsewhere, each with its idempotency record, exactly as `create` (and attaching the gateway
   * order) leaves them: sealed the same way, `create` so an existing id fails the batch. No events: the caller owns
   * them. For bulk seeding (the reconciliation bench's day of orders), where a transaction per order is too slow.
   */
  async createMany(
    orders: readonly { readonly order: Order; readonly idempotency: IdempotencyRecord }[],
  ): Promise<void> {
    // two writes per order
    for (let i = 0; i < orders.length; i += MAX_BATCH / 2) {
      const batch = this.db.batch();
      for (const { order, idempotency: idem } of orders.slice(i, i + MAX_BATCH / 2)) {
        batch.create(this.orders.doc(order.id), await this.seal(toData(order), null));
        batch.create(this.idempotency.doc(hashedId(idem.customerId, idem.key)), idempotencyDoc(idem, order));
      }
      await batch.commit();
    }
  }

  async get(orderId: string): Promise<Order | null> {
    const snap = await this.orders.doc(orderId).get();
    return snap.exists ? this.open(snap.data()) : null;
  }

  async findByGatewayOrderId(gatewayOrderId: string): Promise<Order | null> {
    const snap = await this.orders.where('gateway.orderId', '==', gatewayOrderId).limit(1).get();
    const doc = snap.docs[0];
    return doc ? this.open(doc.data()) : null;
  }

  async update(orderId: string, change: (order: Order) => OrderChange | null): Promise<Order | null> {
    const ref = this.orders.doc(orderId);
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (!snap.exists) return null;
      const stored = snap.data() as OrderDoc;
      const result = change(await this.open(stored));
      if (!result) return null;
      if (result.order.id !== orderId) {
        throw new AppError('internal', `update of ${orderId} returned order ${result.order.id}`);
      }
      const data = toData(result.order);
      tx.set(ref, await this.seal(data, isSealed(stored.sealed) ? stored.sealed : null));
      this.writeEvents(tx, result.events);
      writeAudit(this.db, tx, result.audit, this.prefix);
      return toData(data);
    });
  }

  async list(query: OrderQuery): Promise<Page<Order>> {
    // Like the memory store, a cursor we cannot read starts from the top; callers validate cursors first (400).
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    let q: Query = this.orders.where('customerId', '==', query.customerId);
    if (query.status !== undefined) q = q.where('status', '==', query.status);
    if (query.createdFrom !== undefined) q = q.where('createdAt', '>=', query.createdFrom);
    if (query.createdTo !== undefined) q = q.where('createdAt', '<', query.createdTo);
    // Ties on createdAt broken by the `id` field, as compareNewestFirst does; `limit + 1` tells whether more follow.
    q = q.orderBy('createdAt', 'desc').orderBy('id', 'desc');
    if (after) q = q.startAfter(after.createdAt, after.id);
    const snap = await q.limit(query.limit + 1).get();
    const matching = await Promise.all(snap.docs.map((d) => this.open(d.data())));
    const items = matching.slice(0, query.limit);
    const last = items.at(-1);
    return { items, nextCursor: matching.length > query.limit && last ? encodeCursor(last) : null };
  }

  async countOpen(customerId: string, limit: number): Promise<number> {
    const snap = await this.orders
      .where('customerId', '==', customerId)
      .where('status', 'in', OPEN_STATUSES)
      .limit(limit)
      .count()
      .get();
    return snap.data().count;
  }

  async listOpen(createdFrom: string, createdTo: string, limit: number): Promise<readonly Order[]> {
    const snap = await this.orders
      .where('status', 'in', OPEN_STATUSES)
      .where('createdAt', '>=', createdFrom)
      .where('createdAt', '<', createdTo)
      .orderBy('createdAt', 'asc')
      .orderBy('id', 'asc')
      .limit(limit)
      .get();
    return Promise.all(snap.docs.map((d) => this.open(d.data())));
  }

  /**
   * A snapshot listener on the order's document: Firestore pushes the document now and after every committed change
   * (no polling). A missing document is not reported; a listener error (the stream broke) goes to `onError`.
   */
  watch(orderId: string, listener: (order: Order) => void, onError?: (error: Error) => void): Unsubscribe {
    // the document is sealed: each snapshot is opened in turn, so the listener still sees them in commit order
    let opened: Promise<void> = Promise.resolve();
    return this.orders.doc(orderId).onSnapshot(
      (snap) => {
        if (!snap.exists) return;
        const data = snap.data();
        opened = opened
          .then(async () => listener(await this.open(data)))
          .catch((error: unknown) => onError?.(error instanceof Error ? error : new Error(String(error))));
      },
      (error) => onError?.(error),
    );
  }

  async listCreated(createdFrom: string, createdTo: string, limit: number, cursor?: string): Promise<Page<Order>> {
    const after = cursor ? decodeCursor(cursor) : null;
    // needs the (createdAt, id) composite index; `limit + 1` tells whether more follow
    let q: Query = this.orders
      .where('createdAt', '>=', createdFrom)
      .where('createdAt', '<', createdTo)
      .orderBy('createdAt', 'asc')
      .orderBy('id', 'asc');
    if (after) q = q.startAfter(after.createdAt, after.id);
    const snap = await q.limit(limit + 1).get();
    const matching = snap.docs.map((d) => d.data() as Order);
    const items = matching.slice(0, limit);
    const last = items.at(-1);
    return { items, nextCursor: matching.length > limit && last ? encodeCursor(last) : null };
  }

  async pending(limit: number): Promise<readonly OutboxEntry[]> {
    const snap = await this.outbox
      .orderBy('createdAt', 'asc')
      .orderBy(FieldPath.documentId(), 'asc')
      .limit(limit)
      .get();
    return snap.docs.map((d) => {
      const doc = d.data() as OutboxDoc;
      return { event: doc.event, createdAt: doc.createdAt };
    });
  }

  async markPublished(eventIds: readonly string[]): Promise<void> {
    // Deleting a document that is already gone succeeds, which makes this idempotent.
    for (let i = 0; i < eventIds.length; i += MAX_BATCH) {
      const batch = this.db.batch();
      for (const id of eventIds.slice(i, i + MAX_BATCH)) batch.delete(this.outbox.doc(safeDocId(id)));
      await batch.commit();
    }
  }

  /** The stored document: the order's sensitive fields sealed under its data key (`previous`'s, if it has one). */
  private async seal(order: Order, previous: Sealed | null): Promise<OrderDoc> {
    const { clear, secret } = splitRecord(order, ORDER_SEALING);
    return { ...clear, sealed: await this.cipher.seal(secret, `orders/${order.id}`, previous) };
  }

  private async open(data: unknown): Promise<Order> {
    const { sealed, ...clear } = data as OrderDoc;
    // written before encryption existed: nothing to open
    if (!isSealed(sealed)) return clear as unknown as Order;
    const secret = await this.cipher.open<Record<string, unknown>>(sealed, `orders/${String(clear.id)}`);
    return joinRecord<Order>(clear, secret, ORDER_SEALING);
  }

  private writeEvents(tx: Transaction, events: readonly PaymentEvent[]): void {
    for (const event of events) {
      tx.set(this.outbox.doc(safeDocId(event.id)), toData({ event, createdAt: event.occurredAt } satisfies OutboxDoc));
    }
  }
}

/** The idempotency record of an order: which order a customer's key made, kept until its TTL. */
function idempotencyDoc(idem: IdempotencyRecord, order: Order): IdempotencyDoc {
  return {
    customerId: idem.customerId,
    key: idem.key,
    fingerprint: idem.fingerprint,
    orderId: order.id,
    createdAt: order.createdAt,
    expiresAt: expiresAt('idempotency-keys', order.createdAt),
  };
}
