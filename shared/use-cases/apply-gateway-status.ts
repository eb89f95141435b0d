import {
  type ApplyResult,
  applyObservation,
  hasWebhookEvent,
  type PaymentObservation,
  withWebhookEvent,
} from '../domain/order.ts';
import type { Order } from '../domain/payment-types.ts';
import { type CommitDeps, commitOrderChange } from './commit-order-change.ts';

export type ApplyOutcome = {
  readonly outcome: ApplyResult['outcome'] | 'duplicate' | 'not-found';
  readonly order: Order | null;
};

/**
 * Applies what a source observed to the order, committed with the events it causes, then relayed.
 * Duplicates change nothing; impossible transitions are refused and logged, never applied. `webhookEventId`, when a
 * webhook brought the observation: a webhook that already changed the order is a `duplicate`, and one that changes
 * it is remembered in the same write (the order is the webhook's inbox; a webhook that changes nothing needs no
 * record, since applying it again changes nothing again).
 */
export async function applyGatewayStatus(
  orderId: string,
  observation: PaymentObservation,
  deps: CommitDeps,
  webhookEventId?: string,
): Promise<ApplyOutcome> {
  const done = await commitOrderChange(
    orderId,
    (order): ApplyResult | { readonly outcome: 'duplicate' } => {
      if (webhookEventId === undefined) return applyObservation(order, observation, deps.clock.now());
      if (hasWebhookEvent(order, webhookEventId)) return { outcome: 'duplicate' };
      const applied = applyObservation(order, observation, deps.clock.now());
      return applied.outcome === 'changed'
        ? { ...applied, order: withWebhookEvent(applied.order, webhookEventId) }
        : applied;
    },
    deps,
  );
  if (done === null) {
    deps.logger.log('WARNING', 'observation for an unknown order', { orderId, status: observation.status });
    return { outcome: 'not-found', order: null };
  }
  const { result: final, order } = done;
  const log = { orderId, status: observation.status, source: observation.source };
  if (final.outcome === 'duplicate') {
    deps.logger.log('INFO', 'duplicate webhook dropped', { ...log, eventId: webhookEventId });
  } else if (final.outcome === 'rejected') {
    // "processing" arriving after a final status is an ordinary race (a confirm or an authorized webhook after the
    // capture settled it): nothing is wrong, so it is no warning
    const ordinary = observation.status === 'processing';
    deps.logger.log(ordinary ? 'INFO' : 'WARNING', `transition refused: ${final.reason}`, log);
  } else if (final.outcome === 'unchanged') {
    deps.logger.log('DEBUG', `observation changed nothing: ${(final as { reason: string }).reason}`, log);
  } else {
    deps.logger.log('INFO', 'payment status changed', { ...log, to: order?.status });
  }
  return { outcome: final.outcome, order };
}
