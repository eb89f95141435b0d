import { isPastMaxAge, isTerminal, needsStatusCheck, type PaymentObservation } from '../domain/order.ts';
import type { Order, TransitionSource } from '../domain/payment-types.ts';
import type { GatewayPaymentState } from '../ports/payment-gateway.ts';
import { applyGatewayStatus } from './apply-gateway-status.ts';
import type { Deps } from './deps.ts';
import { nextCheckDelaySeconds, type StatusCheckTask, scheduleStatusCheck } from './schedule-status-check.ts';

export type CheckResult =
  | { readonly outcome: 'unknown-order' }
  | { readonly outcome: 'terminal'; readonly order: Order }
  | { readonly outcome: 'rescheduled'; readonly order: Order; readonly nextCheck: number }
  | { readonly outcome: 'left-open'; readonly order: Order };

function observationOf(state: GatewayPaymentState, source: TransitionSource): PaymentObservation | null {
  switch (state.status) {
    case 'pending':
      return null;
    case 'processing':
      return { status: 'processing', source, paymentId: state.paymentId };
    case 'succeeded':
      return { status: 'succeeded', source, paymentId: state.paymentId, paid: state.paid };
    case 'failed':
      return {
        status: 'failed',
        source,
        paymentId: state.paymentId,
        ...(state.reason ? { reason: state.reason } : {}),
      };
  }
}

/**
 * What a status check tells the state machine: the collapsed state, and with a success every capture the gateway
 * holds, oldest first, so the first pays the order and any other is recorded (and refunded) rather than missed.
 */
export function observationsOf(
  state: GatewayPaymentState,
  source: TransitionSource = 'status-check',
): PaymentObservation[] {
  if (state.status === 'succeeded') {
    return state.captures.map((c) => ({ status: 'succeeded', source, paymentId: c.paymentId, paid: c.paid }));
  }
  const one = observationOf(state, source);
  return one ? [one] : [];
}

/**
 * The status-check task: ask the gateway, apply what it says, and if the order is still open either expire it (past
 * the maximum age) or schedule the next check of the chain (a failed order is watched too, see needsStatusCheck). Throws when the gateway cannot be reached, so the task
 * is retried by the queue.
 */
export async function checkPaymentStatus(
  task: StatusCheckTask,
  deps: Pick<Deps, 'orders' | 'outbox' | 'bus' | 'tasks' | 'gateway' | 'clock' | 'logger' | 'settings'>,
  /** Whose check it is: a reconciliation marks the changes its checks make as its own, to find them after a crash. */
  source: TransitionSource = 'status-check',
): Promise<CheckResult> {
  let order = await deps.orders.get(task.orderId);
  if (!order) {
    // the first check is enqueued before its order is committed: a create that failed or was a retry leaves one
    deps.logger.log('INFO', 'status check for an order never committed', { orderId: task.orderId });
    return { outcome: 'unknown-order' };
  }
  const maxAge = deps.settings.paymentMaxAgeSeconds;
  const final = !needsStatusCheck(order, deps.clock.now(), maxAge);
  if (order.gateway.orderId !== null) {
    // An order that became final since its last check gets one last look: a second capture whose webhook was lost
    // (or one that paid before the capture we accepted) is recorded and refunded now, not left to the nightly job.
    // The chain ends with this check, so this is one gateway read per order.
    const observations = observationsOf(await deps.gateway.fetchPaymentState(order.gateway.orderId), source);
    for (const observation of final ? observations.filter((o) => o.status === 'succeeded') : observations) {
      order = (await applyGatewayStatus(order.id, observation, deps)).order ?? order;
    }
  }
  if (final) return { outcome: 'terminal', order };
  if (!isTerminal(order.status) && isPastMaxAge(order, deps.clock.now(), maxAge)) {
    order = (await applyGatewayStatus(order.id, { status: 'expired', source }, deps)).order ?? order;
  }
  if (!needsStatusCheck(order, deps.clock.now(), maxAge)) return { outcome: 'terminal', order };
  if (!task.chain) return { outcome: 'left-open', order };

  const next = { orderId: order.id, check: task.check + 1, chain: true };
  const ageSeconds = (deps.clock.now().getTime() - Date.parse(order.createdAt)) / 1000;
  await scheduleStatusCheck(next, nextCheckDelaySeconds(ageSeconds, deps.settings), deps);
  return { outcome: 'rescheduled', order, nextCheck: next.check };
}
