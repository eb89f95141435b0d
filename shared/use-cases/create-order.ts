import { createHash } from 'node:crypto';
import { AppError } from '../domain/errors.ts';
import type { Money } from '../domain/money.ts';
import { attachGatewayOrder, newOrder } from '../domain/order.ts';
import type { Order } from '../domain/payment-types.ts';
import type { CreateOrderResult } from '../ports/order-store.ts';
import type { CheckoutDetails } from '../ports/payment-gateway.ts';
import { type CommitDeps, commitOrderChange } from './commit-order-change.ts';
import type { Deps } from './deps.ts';
import { relayEvents } from './publish-events.ts';
import { scheduleStatusCheck } from './schedule-status-check.ts';

export interface CreateOrderInput {
  readonly customerId: string;
  readonly idempotencyKey: string;
  readonly amount: Money;
  readonly description?: string | undefined;
  readonly notes?: Readonly<Record<string, string>> | undefined;
}

export interface CreatedOrder {
  readonly order: Order;
  readonly checkout: CheckoutDetails;
  /** False when the Idempotency-Key had been seen with this same request: the original order is returned. */
  readonly created: boolean;
}

/**
 * The request's fingerprint for its Idempotency-Key: a digest of canonical JSON (sorted keys), so the same request
 * always has the same one.
 */
export function fingerprint(input: CreateOrderInput): string {
  const canonical = JSON.stringify({
    amount: input.amount.amount,
    currency: input.amount.currency,
    description: input.description ?? null,
    notes: Object.fromEntries(Object.entries(input.notes ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))),
  });
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * The user pressed "pay": create the gateway's order first, start our order's chain of status checks, then record
 * the order with the gateway's attached (with its idempotency key and its event, in one transaction) and hand back
 * what the app opens the checkout with. Creating the gateway order first writes the order once instead of twice; a key already used is
 * looked up before the gateway is called, so a retried request creates no second gateway order. If the gateway call
 * fails nothing is written, and the same request retried starts afresh. Two concurrent requests with one key may each
 * create a gateway order; the transaction lets one order win and the other gateway order is never used (an unpaid
 * Razorpay order costs nothing and expires).
 */
export async function createOrder(
  input: CreateOrderInput,
  deps: Pick<Deps, 'orders' | 'outbox' | 'bus' | 'tasks' | 'gateway' | 'clock' | 'ids' | 'logger' | 'settings'>,
): Promise<CreatedOrder> {
  const idempotency = { customerId: input.customerId, key: input.idempotencyKey, fingerprint: fingerprint(input) };
  const seen = await deps.orders.findByIdempotencyKey(idempotency);
  if (seen) return replayed(seen, deps);
  const id = deps.ids.next('ord');
  const checkout = await deps.gateway.createOrder({ amount: input.amount, receipt: id, notes: { orderId: id } });
  const { order: draft, events } = newOrder({
    id,
    customerId: input.customerId,
    amount: input.amount,
    description: input.description ?? null,
    notes: input.notes ?? {},
    gateway: deps.gateway.name,
    gatewayOrder: checkout,
    now: deps.clock.now(),
  });
  // The chain's first check is enqueued before the order is committed: a process that dies between the two leaves at
  // worst a check of an order that never was (it finds nothing and stops), never an order that nothing checks. A
  // racing request's task finds no order either; the winner's chain watches it.
  await scheduleStatusCheck({ orderId: id, check: 1, chain: true }, deps.settings.statusCheckIntervalSeconds, deps);
  const result = await deps.orders.create(draft, idempotency, events);
  if (result.kind !== 'created') return replayed(result, deps);
  const order = result.order;
  deps.logger.log('INFO', 'order created', {
    orderId: order.id,
    amount: order.amount.amount,
    gatewayOrderId: order.gateway.orderId,
  });
  await relayEvents(events, deps);
  return { order, checkout: checkoutOf(order), created: true };
}

/** The answer to a key used before: its order (attached now if an older create left it without a gateway order). */
async function replayed(
  result: Exclude<CreateOrderResult, { kind: 'created' }>,
  deps: CommitDeps & Pick<Deps, 'gateway'>,
): Promise<CreatedOrder> {
  if (result.kind === 'conflict') {
    throw new AppError('idempotency-conflict', 'this Idempotency-Key was used with a different request body');
  }
  // orders created before the gateway order came first were written without one; a retry still completes them
  const order = result.order.gateway.orderId === null ? await attachGateway(result.order, deps) : result.order;
  return { order, checkout: checkoutOf(order), created: false };
}

async function attachGateway(order: Order, deps: CommitDeps & Pick<Deps, 'gateway'>): Promise<Order> {
  const checkout = await deps.gateway.createOrder({
    amount: order.amount,
    receipt: order.id,
    notes: { orderId: order.id },
  });
  // unchanged: a concurrent retry attached its gateway order first; that one wins and ours is left unused
  const done = await commitOrderChange(
    order.id,
    (current) => {
      const next = attachGatewayOrder(current, checkout, deps.clock.now());
      return next ? { outcome: 'changed' as const, order: next, events: [] } : { outcome: 'unchanged' };
    },
    deps,
  );
  const final = done?.order;
  if (!final) throw new AppError('internal', 'order vanished while attaching its gateway order');
  deps.logger.log('INFO', 'gateway order attached', { orderId: final.id, gatewayOrderId: final.gateway.orderId });
  return final;
}

function checkoutOf(order: Order): CheckoutDetails {
  if (order.gateway.orderId === null || order.gateway.keyId === null) {
    throw new AppError('internal', 'order has no gateway order');
  }
  return {
    gateway: order.gateway.name,
    keyId: order.gateway.keyId,
    gatewayOrderId: order.gateway.orderId,
    checkoutUrl: order.gateway.checkoutUrl,
  };
}
