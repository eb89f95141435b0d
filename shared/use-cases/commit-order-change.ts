import { AppError } from '../domain/errors.ts';
import type { PaymentEvent } from '../domain/events.ts';
import type { Order } from '../domain/payment-types.ts';
import type { AuditEntry } from '../domain/permissions.ts';
import type { Deps } from './deps.ts';
import { relayEvents } from './publish-events.ts';

/** What committing an order change needs: the store (with its outbox), the bus to relay to, the clock and a log. */
export type CommitDeps = Pick<Deps, 'orders' | 'outbox' | 'bus' | 'clock' | 'logger'>;

/** A decision about an order: `changed` carries the new order and its events; any other outcome commits nothing. */
export type OrderDecision =
  | {
      readonly outcome: 'changed';
      readonly order: Order;
      readonly events: readonly PaymentEvent[];
      /** Operator actions behind the change, written to the audit log in its transaction. */
      readonly audit?: readonly AuditEntry[];
    }
  | { readonly outcome: string };

function isChanged(
  decision: OrderDecision,
): decision is { readonly outcome: 'changed'; readonly order: Order; readonly events: readonly PaymentEvent[] } {
  return decision.outcome === 'changed' && 'order' in decision && 'events' in decision;
}

/**
 * The one way a use case changes an order: runs `decide` in the order's transaction, commits the new order with its
 * events (the outbox), then publishes that commit's events. `decide` must be pure: Firestore retries contended
 * transactions, so it may run more than once, and only its last result counts. Resolves to null when there is no
 * such order; otherwise to the decision and the order as it now stands.
 */
export async function commitOrderChange<D extends OrderDecision>(
  orderId: string,
  decide: (order: Order) => D,
  deps: CommitDeps,
): Promise<{ readonly result: D; readonly order: Order | null } | null> {
  let last: D | null = null;
  const committed = await deps.orders.update(orderId, (order) => {
    const decision = decide(order);
    last = decision;
    if (!isChanged(decision)) return null;
    const audit = (decision as { audit?: readonly AuditEntry[] }).audit;
    return { order: decision.order, events: decision.events, ...(audit ? { audit } : {}) };
  });
  const result = last as D | null;
  if (result === null) return null;
  if (committed !== null && isChanged(result)) await relayEvents(result.events, deps);
  return { result, order: committed ?? (await deps.orders.get(orderId)) };
}

/** {@link commitOrderChange} for an order that must exist: a missing one is `not-found`. */
export async function commitExistingOrderChange<D extends OrderDecision>(
  orderId: string,
  decide: (order: Order) => D,
  deps: CommitDeps,
): Promise<{ readonly result: D; readonly order: Order }> {
  const done = await commitOrderChange(orderId, decide, deps);
  if (!done?.order) throw new AppError('not-found', `no order ${orderId}`);
  return { result: done.result, order: done.order };
}
