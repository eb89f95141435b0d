import { type ApplyResult, applyObservation, type PaymentObservation } from '../domain/order.ts';
import type { Order } from '../domain/payment-types.ts';
import type { Deps } from './deps.ts';
import { relayEvents } from './publish-events.ts';

export type ApplyOutcome = { readonly outcome: ApplyResult['outcome'] | 'not-found'; readonly order: Order | null };

/**
 * Applies what a source observed to the order, in one transaction with the events it causes, then relays them.
 * Duplicates change nothing; impossible transitions are refused and logged, never applied.
 */
export async function applyGatewayStatus(
  orderId: string,
  observation: PaymentObservation,
  deps: Pick<Deps, 'orders' | 'outbox' | 'bus' | 'clock' | 'logger'>,
): Promise<ApplyOutcome> {
  let result: ApplyResult | null = null;
  // the change may run more than once (Firestore retries contended transactions): it only computes
  const committed = await deps.orders.update(orderId, (order) => {
    result = applyObservation(order, observation, deps.clock.now());
    return result.outcome === 'changed' ? { order: result.order, events: result.events } : null;
  });
  const final = result as ApplyResult | null;
  if (final === null) {
    deps.logger.log('WARNING', 'observation for an unknown order', { orderId, status: observation.status });
    return { outcome: 'not-found', order: null };
  }
  const log = { orderId, status: observation.status, source: observation.source };
  if (final.outcome === 'rejected') {
    deps.logger.log('WARNING', `transition refused: ${final.reason}`, log);
  } else if (final.outcome === 'unchanged') {
    deps.logger.log('DEBUG', `observation changed nothing: ${final.reason}`, log);
  } else {
    deps.logger.log('INFO', 'payment status changed', { ...log, to: committed?.status });
    await relayEvents(final.events, deps);
  }
  return { outcome: final.outcome, order: committed ?? (await deps.orders.get(orderId)) };
}
