import type { OrderChange } from '../../ports/order-store.ts';

/** What a payment costs on Google Cloud, counted where the ports are called (not estimated). */
export interface Usage {
  firestoreReads: number;
  firestoreWrites: number;
  firestoreDeletes: number;
  /** Cloud Tasks CreateTask calls (each a billable operation, whether it creates or is refused by name). */
  tasksEnqueued: number;
  tasksCreated: number;
  pubsubPublished: number;
  gatewayCalls: number;
  /** Gateway webhooks the product received (each one a request its webhooks service serves). */
  webhooksReceived: number;
}

/** A fresh, all-zero usage record. */
export function emptyUsage(): Usage {
  return {
    firestoreReads: 0,
    firestoreWrites: 0,
    firestoreDeletes: 0,
    tasksEnqueued: 0,
    tasksCreated: 0,
    pubsubPublished: 0,
    gatewayCalls: 0,
    webhooksReceived: 0,
  };
}

/** Sums usage as the decorators report it; `take()` reads and resets, so a bench can attribute it to one path. */
export class Meter {
  private usage = emptyUsage();
  private calls = new Map<string, number>();

  add(delta: Partial<Usage>, call?: string): void {
    for (const [k, v] of Object.entries(delta) as [keyof Usage, number][]) this.usage[k] += v;
    if (call !== undefined) this.calls.set(call, (this.calls.get(call) ?? 0) + 1);
  }

  /** The usage so far and how often each `port.method` was called; resets both. */
  take(): Usage & { readonly calls: Readonly<Record<string, number>> } {
    const taken = { ...this.usage, calls: Object.fromEntries(this.calls) };
    this.usage = emptyUsage();
    this.calls = new Map();
    return taken;
  }
}

/**
 * How one call of a port method is counted: `args` may replace the call's arguments (to observe a callback), and
 * `count` turns its result into usage. Failed calls are not counted: a bench path that fails is a bench bug.
 */
export type Rule = (args: unknown[]) => { args?: unknown[]; count(result: unknown): Partial<Usage> };

/** A rule that ignores arguments and counts from the result alone. */
const fromResult =
  (count: (result: unknown) => Partial<Usage>): Rule =>
  () => ({ count });
const fixed = (usage: Partial<Usage>): Rule => fromResult(() => usage);
/** A query is billed one read per document returned, and one read when it returns none. */
const queryReads = (docs: number): Partial<Usage> => ({ firestoreReads: Math.max(1, docs) });
const pageReads = (page: unknown): Partial<Usage> => {
  const p = page as { items: readonly unknown[]; nextCursor: string | null };
  // pages fetch limit + 1 documents to know whether more follow
  return queryReads(p.items.length + (p.nextCursor ? 1 : 0));
};
const listReads = (list: unknown): Partial<Usage> => queryReads((list as readonly unknown[]).length);

/**
 * Decorates `target` so every call of a method named in `rules` is counted into `meter`; other members pass through.
 * A Proxy, so one decorator serves every port and the adapter underneath is unchanged.
 */
export function metered<T extends object>(
  target: T,
  meter: Meter,
  rules: Readonly<Record<string, Rule>>,
  label = 'port',
): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      const rule = typeof prop === 'string' ? rules[prop] : undefined;
      if (!rule || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const call = rule(args);
        const result = (value as (...a: unknown[]) => unknown).apply(obj, call.args ?? args);
        const name = `${label}.${String(prop)}`;
        if (result instanceof Promise) {
          return result.then((r) => {
            meter.add(call.count(r), name);
            return r;
          });
        }
        meter.add(call.count(result), name);
        return result;
      };
    },
  });
}

/*
 * What each port method costs in Firestore, read off the Firestore adapters (shared/adapters/firestore), so the
 * in-memory stack can be billed as the Google one would be. A `get` of a missing document is still a read; a
 * transaction is billed for its reads and writes.
 */

/** FirestoreOrderStore: orders, idempotency keys and the outbox (the outbox rows are written in the same commit). */
export const ORDER_STORE_RULES: Readonly<Record<string, Rule>> = {
  // tx.get(idempotency key); created: create order + key + one outbox doc per event; existing: also get the order
  create: (args) => ({
    count: (r) => {
      const kind = (r as { kind: string }).kind;
      const events = (args[2] as readonly unknown[]).length;
      if (kind === 'created') return { firestoreReads: 1, firestoreWrites: 2 + events };
      return { firestoreReads: kind === 'existing' ? 2 : 1 };
    },
  }),
  // get(idempotency key); when it names an order, get the order too
  findByIdempotencyKey: fromResult((r) => ({
    firestoreReads: (r as { kind: string } | null)?.kind === 'existing' ? 2 : 1,
  })),
  get: fixed({ firestoreReads: 1 }),
  findByGatewayOrderId: fixed({ firestoreReads: 1 }),
  // tx.get(order); when the change returns something: set the order and one outbox doc per event
  update: (args) => {
    let change: OrderChange | null = null;
    const fn = args[1] as (o: unknown) => OrderChange | null;
    // Firestore may run the callback more than once; the last run is the one committed
    const observed = (o: unknown) => {
      change = fn(o);
      return change;
    };
    return {
      args: [args[0], observed, ...args.slice(2)],
      count: () => {
        const c = change as OrderChange | null;
        return { firestoreReads: 1, firestoreWrites: c ? 1 + c.events.length : 0 };
      },
    };
  },
  list: fromResult(pageReads),
  listOpen: fromResult(listReads),
  // a count query: one read per 1,000 index entries, and the cap stops far below that
  countOpen: fixed({ firestoreReads: 1 }),
};

/** FirestoreOrderStore as the Outbox: a query for pending rows, a batched delete of those published. */
export const OUTBOX_RULES: Readonly<Record<string, Rule>> = {
  // `pending` is the sweep's query: a scheduled job's cost (a read a minute or so), not a payment's, and the embedded
  // drain calls it every round, so counting it here would bill payments for the bench's own polling
  pending: fixed({}),
  markPublished: (args) => ({ count: () => ({ firestoreDeletes: (args[0] as readonly string[]).length }) }),
};

/** FirestoreAccountStore: a post reads the account and each draft's entry doc, writes the account and new entries. */
export const ACCOUNT_STORE_RULES: Readonly<Record<string, Rule>> = {
  get: fixed({ firestoreReads: 1 }),
  post: (args) => ({
    count: (r) => {
      const entries = ((r as { entries?: readonly unknown[] }).entries ?? []).length;
      return { firestoreReads: 1 + (args[1] as readonly unknown[]).length, firestoreWrites: entries ? entries + 1 : 0 };
    },
  }),
  hasEntry: fixed({ firestoreReads: 1 }),
  entries: fromResult(pageReads),
  setStatus: fixed({ firestoreReads: 1, firestoreWrites: 1 }),
};

/** FirestoreInboxStore: `has` a get, `add` a create (a refused duplicate is still an attempted write). */
export const INBOX_STORE_RULES: Readonly<Record<string, Rule>> = {
  has: fixed({ firestoreReads: 1 }),
  add: fixed({ firestoreWrites: 1 }),
};

/** FirestoreNotificationStore: `add` a create, `list` a query. */
export const NOTIFICATION_STORE_RULES: Readonly<Record<string, Rule>> = {
  add: fixed({ firestoreWrites: 1 }),
  list: fromResult(pageReads),
};

/** FirestoreAttemptCounter: a transaction reading and writing one counter doc. */
export const ATTEMPT_COUNTER_RULES: Readonly<Record<string, Rule>> = {
  increment: fixed({ firestoreReads: 1, firestoreWrites: 1 }),
};

/** FirestoreDeliveryStore: `recordAttempt` a read-modify-write transaction. */
export const DELIVERY_STORE_RULES: Readonly<Record<string, Rule>> = {
  recordAttempt: fixed({ firestoreReads: 1, firestoreWrites: 1 }),
  get: fixed({ firestoreReads: 1 }),
  list: fromResult(listReads),
};

/** FirestoreOperatorKeyStore: a get per operator request, a set per key put. */
export const OPERATOR_KEY_RULES: Readonly<Record<string, Rule>> = {
  findByHash: fixed({ firestoreReads: 1 }),
  put: fixed({ firestoreWrites: 1 }),
};

/** CloudTasksTaskQueue: one CreateTask call per enqueue; `already-exists` is the name refusing a duplicate. */
export const TASK_QUEUE_RULES: Readonly<Record<string, Rule>> = {
  enqueue: fromResult((r) => ({ tasksEnqueued: 1, tasksCreated: r === 'created' ? 1 : 0 })),
};

/** PubSubEventBus: one message per publish. */
export const EVENT_BUS_RULES: Readonly<Record<string, Rule>> = {
  publish: fixed({ pubsubPublished: 1 }),
};

/** RazorpayGateway: the methods that call Razorpay's API (signature checks and parsing are local). */
export const GATEWAY_RULES: Readonly<Record<string, Rule>> = {
  createOrder: fixed({ gatewayCalls: 1 }),
  fetchPaymentState: fixed({ gatewayCalls: 1 }),
  createRefund: fixed({ gatewayCalls: 1 }),
  fetchRefund: fixed({ gatewayCalls: 1 }),
  // reconciliation's (one call per page)
  listPayments: fixed({ gatewayCalls: 1 }),
  listRefunds: fixed({ gatewayCalls: 1 }),
  settlementReport: fixed({ gatewayCalls: 1 }),
  parseWebhook: fixed({ webhooksReceived: 1 }),
};
