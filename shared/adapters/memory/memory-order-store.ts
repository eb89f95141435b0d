import { compareNewestFirst, decodeCursor, encodeCursor } from '../../domain/cursor.ts';
import { AppError } from '../../domain/errors.ts';
import type { PaymentEvent } from '../../domain/events.ts';
import { isTerminal, OPEN_STATUSES } from '../../domain/order.ts';
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
import type { MemoryAuditLog } from './memory-audit-log.ts';

/**
 * Orders, idempotency records and the outbox in memory. Each method is synchronous between awaits, which gives
 * the same all-or-nothing commit a Firestore transaction gives. Values are cloned in and out so no caller can
 * mutate stored state behind the store's back.
 */
const isOpen = (status: Order['status']) => (OPEN_STATUSES as readonly string[]).includes(status);

export class MemoryOrderStore implements OrderStore, Outbox, OrderChanges {
  private readonly orders = new Map<string, Order>();
  private readonly watchers = new Map<string, Set<(order: Order) => void>>();
  private readonly idempotency = new Map<string, { fingerprint: string; orderId: string }>();
  private readonly outbox = new Map<string, OutboxEntry>();
  private readonly byGatewayOrder = new Map<string, string>();
  /** Each customer's order ids: a customer's listing (and the open-order cap, on every create) never scans them all. */
  private readonly byCustomer = new Map<string, Set<string>>();
  /** Each customer's open orders: the cap counts them on every create. */
  private readonly openByCustomer = new Map<string, Set<string>>();

  /** `audit`: where operator actions committed with an order change are recorded. */
  constructor(private readonly audit: MemoryAuditLog | null = null) {}

  async create(order: Order, idem: IdempotencyRecord, events: readonly PaymentEvent[]): Promise<CreateOrderResult> {
    const key = `${idem.customerId}\u0000${idem.key}`;
    const existing = this.idempotency.get(key);
    if (existing) {
      if (existing.fingerprint !== idem.fingerprint) return { kind: 'conflict' };
      const found = this.orders.get(existing.orderId);
      if (!found) throw new AppError('internal', 'idempotency record points at a missing order');
      return { kind: 'existing', order: structuredClone(found) };
    }
    this.idempotency.set(key, { fingerprint: idem.fingerprint, orderId: order.id });
    this.commit(order, events);
    return { kind: 'created', order: structuredClone(order) };
  }

  async findByIdempotencyKey(idem: IdempotencyRecord): Promise<Exclude<CreateOrderResult, { kind: 'created' }> | null> {
    const existing = this.idempotency.get(`${idem.customerId}\u0000${idem.key}`);
    if (!existing) return null;
    if (existing.fingerprint !== idem.fingerprint) return { kind: 'conflict' };
    const found = this.orders.get(existing.orderId);
    if (!found) throw new AppError('internal', 'idempotency record points at a missing order');
    return { kind: 'existing', order: structuredClone(found) };
  }

  async get(orderId: string): Promise<Order | null> {
    const order = this.orders.get(orderId);
    return order ? structuredClone(order) : null;
  }

  async findByGatewayOrderId(gatewayOrderId: string): Promise<Order | null> {
    const id = this.byGatewayOrder.get(gatewayOrderId);
    return id ? this.get(id) : null;
  }

  async update(orderId: string, change: (order: Order) => OrderChange | null): Promise<Order | null> {
    const current = this.orders.get(orderId);
    if (!current) return null;
    const result = change(structuredClone(current));
    if (!result) return null;
    this.commit(result.order, result.events);
    this.audit?.record(result.audit ?? []);
    return structuredClone(result.order);
  }

  async list(query: OrderQuery): Promise<Page<Order>> {
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    const mine = [...(this.byCustomer.get(query.customerId) ?? [])].map((id) => this.orders.get(id) as Order);
    const matching = mine
      .filter(
        (o) =>
          (query.status === undefined || o.status === query.status) &&
          (query.createdFrom === undefined || o.createdAt >= query.createdFrom) &&
          (query.createdTo === undefined || o.createdAt < query.createdTo) &&
          (after === null || compareNewestFirst(after, o) < 0),
      )
      .sort(compareNewestFirst);
    const items = matching.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items: structuredClone(items),
      nextCursor: matching.length > query.limit && last ? encodeCursor(last) : null,
    };
  }

  async countOpen(customerId: string, limit: number): Promise<number> {
    return Math.min(limit, this.openByCustomer.get(customerId)?.size ?? 0);
  }

  async listOpen(createdFrom: string, createdTo: string, limit: number): Promise<readonly Order[]> {
    return structuredClone(
      [...this.orders.values()]
        .filter((o) => !isTerminal(o.status) && o.createdAt >= createdFrom && o.createdAt < createdTo)
        .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1))
        .slice(0, limit),
    );
  }

  /** Tells the listener the order now (when it exists), then after every commit of it, each in a microtask. */
  watch(orderId: string, listener: (order: Order) => void): Unsubscribe {
    let active = true;
    const tell = (order: Order) => {
      if (active) listener(structuredClone(order));
    };
    const set = this.watchers.get(orderId) ?? new Set();
    this.watchers.set(orderId, set);
    set.add(tell);
    const current = this.orders.get(orderId);
    if (current) queueMicrotask(() => tell(current));
    return () => {
      active = false;
      set.delete(tell);
      if (set.size === 0 && this.watchers.get(orderId) === set) this.watchers.delete(orderId);
    };
  }

  async listCreated(createdFrom: string, createdTo: string, limit: number, cursor?: string): Promise<Page<Order>> {
    const after = cursor ? decodeCursor(cursor) : null;
    const matching = [...this.orders.values()]
      .filter(
        (o) =>
          o.createdAt >= createdFrom && o.createdAt < createdTo && (after === null || compareNewestFirst(o, after) < 0),
      )
      .sort((a, b) => compareNewestFirst(b, a));
    const items = matching.slice(0, limit);
    const last = items.at(-1);
    return {
      items: structuredClone(items),
      nextCursor: matching.length > limit && last ? encodeCursor(last) : null,
    };
  }

  /** Every order as stored, uncopied and read-only: for a simulation that checks every order after every step. */
  all(): readonly Order[] {
    return [...this.orders.values()];
  }

  async pending(limit: number): Promise<readonly OutboxEntry[]> {
    return structuredClone([...this.outbox.values()].slice(0, limit));
  }

  async markPublished(eventIds: readonly string[]): Promise<void> {
    for (const id of eventIds) this.outbox.delete(id);
  }

  private commit(order: Order, events: readonly PaymentEvent[]): void {
    const stored = structuredClone(order);
    this.orders.set(order.id, stored);
    // after the commit, never inside it: a listener cannot see or disturb a half-done write
    for (const tell of this.watchers.get(order.id) ?? []) queueMicrotask(() => tell(stored));
    if (order.gateway.orderId) this.byGatewayOrder.set(order.gateway.orderId, order.id);
    const mine = this.byCustomer.get(order.customerId) ?? new Set<string>();
    this.byCustomer.set(order.customerId, mine.add(order.id));
    const open = this.openByCustomer.get(order.customerId) ?? new Set<string>();
    if (isOpen(order.status)) this.openByCustomer.set(order.customerId, open.add(order.id));
    else if (open.delete(order.id) && open.size === 0) this.openByCustomer.delete(order.customerId);
    for (const event of events) {
      // idempotent: an event id already waiting is the same event
      if (!this.outbox.has(event.id))
        this.outbox.set(event.id, { event: structuredClone(event), createdAt: event.occurredAt });
    }
  }
}
