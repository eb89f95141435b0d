import { type ApplyResult, applyObservation, type PaymentObservation } from '../domain/order.ts';
import type { Order } from '../domain/payment-types.ts';
import { type CommitDeps, commitOrderChange } from './commit-order-change.ts';

export type ApplyOutcome = { readonly outcome: ApplyResult['outcome'] | 'not-found'; readonly order: Order | null };

/**
 * Applies what a source observed to the order, committed with the events it causes, then relayed.
 * Duplicates change nothing; impossible transitions are refused and logged, never applied.
 */
export async function applyGatewayStatus(
  orderId: string,
  observation: PaymentObservation,
  deps: CommitDeps,
): Promise<ApplyOutcome> {
  const done = await commitOrderChange(
    orderId,
    (order) => applyObservation(order, observation, deps.clock.now()),
    deps,
  );
  if (done === null) {
    deps.logger.log('WARNING', 'observation for an unknown order', { orderId, status: observation.status });
    return { outcome: 'not-found', order: null };
  }
  const { result: final, order } = done;
  const log = { orderId, status: observation.status, source: observation.source };
  if (final.outcome === 'rejected') {
    // "processing" arriving after a final status is an ordinary race (a confirm or an authorized webhook after the
    // capture settled it): nothing is wrong, so it is no warning
    const ordinary = observation.status === 'processing';
    deps.logger.log(ordinary ? 'INFO' : 'WARNING', `transition refused: ${final.reason}`, log);
  } else if (final.outcome === 'unchanged') {
    deps.logger.log('DEBUG', `observation changed nothing: ${final.reason}`, log);
  } else {
    deps.logger.log('INFO', 'payment status changed', { ...log, to: order?.status });
  }
  return { outcome: final.outcome, order };
}
