import { createHash } from 'node:crypto';
import { AppError } from '../domain/errors.ts';
import type { PaymentEvent } from '../domain/events.ts';
import { withFlags } from '../domain/order.ts';
import type { Order, Refund, RefundTrigger } from '../domain/payment-types.ts';
import {
  applyRefundStatus,
  isRefundFinal,
  type RefundChange,
  type RefundRequest,
  refundableAmount,
  requestRefund,
} from '../domain/refund.ts';
import type { GatewayRefund } from '../ports/payment-gateway.ts';
import type { Deps } from './deps.ts';
import { relayEvents } from './publish-events.ts';

export const CHECK_REFUND_PATH = '/tasks/check-refund';

type CommitDeps = Pick<Deps, 'orders' | 'outbox' | 'bus' | 'clock' | 'logger'>;

/** Runs a refund change in the order's transaction (the change may run more than once) and relays its events. */
async function commitRefundChange(
  orderId: string,
  change: (order: Order) => RefundChange,
  deps: CommitDeps,
): Promise<{ order: Order; result: RefundChange }> {
  let result: RefundChange | null = null;
  const committed = await deps.orders.update(orderId, (order) => {
    result = change(order);
    return result.outcome === 'changed' ? { order: result.order, events: result.events } : null;
  });
  const final = result as RefundChange | null;
  if (final === null) throw new AppError('not-found', `no order ${orderId}`);
  if (final.outcome === 'changed') await relayEvents(final.events, deps);
  const order = committed ?? (await deps.orders.get(orderId));
  if (!order) throw new AppError('not-found', `no order ${orderId}`);
  return { order, result: final };
}

/**
 * An operator's refund, full or partial. The refund id comes from the order and the request's Idempotency-Key, so a
 * retried request is the same refund; the amount is checked against what is left in the same transaction, so
 * concurrent requests can never refund more than was paid.
 */
export async function refundOrder(
  orderId: string,
  input: { amount?: number; reason: string; idempotencyKey: string },
  operator: { keyId: string },
  deps: CommitDeps,
): Promise<{ order: Order; refund: Refund; created: boolean }> {
  const refundId = `rfd_${createHash('sha256').update(`${orderId}\u0000${input.idempotencyKey}`).digest('hex').slice(0, 24)}`;
  const request: RefundRequest = {
    refundId,
    ...(input.amount !== undefined ? { amount: input.amount } : {}),
    reason: input.reason,
    trigger: 'operator',
    requestedBy: `operator:${operator.keyId}`,
  };
  const { order, result } = await commitRefundChange(orderId, (o) => requestRefund(o, request, deps.clock.now()), deps);
  const refund = result.refund;
  if (!refund) throw new AppError('invalid-state', 'nothing left to refund');
  if (
    result.outcome === 'unchanged' &&
    (refund.amount.amount !== (input.amount ?? refund.amount.amount) || refund.reason !== input.reason)
  ) {
    throw new AppError('idempotency-conflict', 'this Idempotency-Key was used for a different refund');
  }
  deps.logger.log('INFO', 'refund requested', { orderId, refundId, amount: refund.amount.amount, by: operator.keyId });
  return { order, refund, created: result.outcome === 'changed' };
}

/**
 * A full refund the product owes on its own: money captured after expiry, of the wrong amount, or that could not be
 * credited. One per payment (its id is derived from the payment id), however often the triggering event arrives.
 */
export async function requestAutoRefund(
  orderId: string,
  paymentId: string,
  trigger: Exclude<RefundTrigger, 'operator'>,
  deps: CommitDeps,
  also: (order: Order) => Order = (o) => o,
): Promise<Order> {
  const { order } = await commitRefundChange(
    orderId,
    (current): RefundChange => {
      const base = also(current);
      const refundId = `rfd_${paymentId}`;
      const existing = base.refunds.find((r) => r.id === refundId) ?? null;
      // nothing left to give back (an operator refunded it already): only the accompanying change, if any, commits
      if (!existing && refundableAmount(base, paymentId) <= 0) {
        return base === current
          ? { outcome: 'unchanged', reason: 'nothing left to refund', refund: null }
          : { outcome: 'changed', order: { ...base, version: current.version + 1 }, events: [], refund: null };
      }
      return requestRefund(
        base,
        { refundId, paymentId, reason: autoReason(trigger), trigger, requestedBy: 'system' },
        deps.clock.now(),
      );
    },
    deps,
  );
  deps.logger.log('INFO', 'automatic refund requested', { orderId, paymentId, trigger });
  return order;
}

function autoReason(trigger: Exclude<RefundTrigger, 'operator'>): string {
  switch (trigger) {
    case 'credit-failed':
      return 'the payment could not be credited to the account';
    case 'late-success':
      return 'paid after the order expired';
    case 'amount-mismatch':
      return 'the amount paid does not match the order';
  }
}

/** The permanent failure of post-payment processing: flag the order and refund the accepted payment in full. */
export function refundAfterFailedCredit(order: Order, deps: CommitDeps): Promise<Order> {
  const accepted = order.captures.find((c) => c.accepted);
  if (!accepted) throw new AppError('invalid-state', 'no accepted payment to refund');
  return requestAutoRefund(order.id, accepted.paymentId, 'credit-failed', deps, (o) =>
    o.flags.includes('credit-failed') ? o : { ...o, flags: withFlags(o.flags, 'credit-failed', 'refund-required') },
  );
}

/** Refund events go to the refunds handler: money the product must give back, and refunds to send to the gateway. */
export async function handleRefundEvent(
  event: PaymentEvent,
  deps: Pick<Deps, 'orders' | 'outbox' | 'bus' | 'tasks' | 'gateway' | 'attempts' | 'clock' | 'logger' | 'settings'>,
): Promise<'refund-requested' | 'submitted' | 'ignored'> {
  switch (event.type) {
    case 'payment.late_succeeded':
    case 'payment.amount_mismatch': {
      if (!event.paymentId) return 'ignored';
      const trigger = event.type === 'payment.late_succeeded' ? 'late-success' : 'amount-mismatch';
      await requestAutoRefund(event.orderId, event.paymentId, trigger, deps);
      return 'refund-requested';
    }
    case 'refund.initiated':
      if (!event.refund) return 'ignored';
      await submitRefund(event.orderId, event.refund.id, deps);
      return 'submitted';
    case 'payment.created':
    case 'payment.processing':
    case 'payment.succeeded':
    case 'payment.failed':
    case 'payment.expired':
    case 'refund.processed':
    case 'refund.failed':
      return 'ignored';
  }
}

/**
 * Sends a requested refund to the gateway with its id as the idempotency key (a retry returns the same refund), then
 * starts its chain of status checks. A gateway that keeps refusing is retried by redelivery up to the bound, then the
 * refund is marked failed so a person can act.
 */
export async function submitRefund(
  orderId: string,
  refundId: string,
  deps: Pick<Deps, 'orders' | 'outbox' | 'bus' | 'tasks' | 'gateway' | 'attempts' | 'clock' | 'logger' | 'settings'>,
): Promise<Refund | null> {
  const order = await deps.orders.get(orderId);
  const refund = order?.refunds.find((r) => r.id === refundId);
  if (!order || !refund) {
    deps.logger.log('WARNING', 'refund to submit not found', { orderId, refundId });
    return null;
  }
  if (refund.status !== 'requested') return refund;
  let gatewayRefund: GatewayRefund;
  try {
    gatewayRefund = await deps.gateway.createRefund({
      paymentId: refund.paymentId,
      amount: refund.amount,
      idempotencyKey: refund.id,
      notes: { orderId, refundId },
    });
  } catch (error) {
    const attempts = await deps.attempts.increment(`refund-submit:${refundId}`);
    if (attempts < deps.settings.maxTransientAttempts) throw error;
    deps.logger.log('ERROR', 'refund refused by the gateway too often; marked failed', {
      orderId,
      refundId,
      attempts,
      error,
    });
    const { result } = await commitRefundChange(
      orderId,
      (o) =>
        applyRefundStatus(
          o,
          {
            refundId,
            status: 'failed',
            failureReason: error instanceof Error ? error.message : 'gateway error',
            source: 'api',
          },
          deps.clock.now(),
        ),
      deps,
    );
    return result.refund;
  }
  const { result } = await commitRefundChange(
    orderId,
    (o) =>
      applyRefundStatus(
        o,
        { refundId, gatewayRefundId: gatewayRefund.refundId, status: gatewayRefund.status, source: 'api' },
        deps.clock.now(),
      ),
    deps,
  );
  await scheduleRefundCheck({ orderId, refundId, check: 1 }, deps);
  return result.refund;
}

export interface RefundCheckTask {
  readonly orderId: string;
  readonly refundId: string;
  readonly check: number;
}

async function scheduleRefundCheck(
  task: RefundCheckTask,
  deps: Pick<Deps, 'tasks' | 'clock' | 'settings'>,
): Promise<void> {
  await deps.tasks.enqueue({
    queue: 'refund-checks',
    id: `${task.refundId}-check-${task.check}`,
    path: CHECK_REFUND_PATH,
    body: task,
    scheduleTime: new Date(deps.clock.now().getTime() + deps.settings.refundCheckIntervalSeconds * 1000),
  });
}

/** The refund's status check: asks the gateway until the refund is processed or failed, so a lost webhook is caught. */
export async function checkRefundStatus(
  task: RefundCheckTask,
  deps: Pick<Deps, 'orders' | 'outbox' | 'bus' | 'tasks' | 'gateway' | 'attempts' | 'clock' | 'logger' | 'settings'>,
): Promise<Refund | null> {
  const order = await deps.orders.get(task.orderId);
  let refund = order?.refunds.find((r) => r.id === task.refundId) ?? null;
  if (!order || !refund) return null;
  if (isRefundFinal(refund.status)) return refund;
  if (refund.status === 'requested') {
    // not at the gateway yet (its submission is being retried): submitting is idempotent by refund id
    refund = (await submitRefund(order.id, refund.id, deps)) ?? refund;
  } else if (refund.gatewayRefundId) {
    const seen = await deps.gateway.fetchRefund(refund.gatewayRefundId, refund.paymentId);
    if (seen.status !== 'pending') {
      const { result } = await commitRefundChange(
        order.id,
        (o) =>
          applyRefundStatus(
            o,
            { refundId: task.refundId, status: seen.status, source: 'status-check' },
            deps.clock.now(),
          ),
        deps,
      );
      refund = result.refund ?? refund;
    }
  }
  if (!isRefundFinal(refund.status)) await scheduleRefundCheck({ ...task, check: task.check + 1 }, deps);
  return refund;
}

/** A refund webhook: settles the refund sooner than its status check would. */
export async function applyGatewayRefund(
  gatewayRefund: GatewayRefund,
  deps: CommitDeps,
): Promise<'applied' | 'unchanged' | 'unknown-order'> {
  const orderId = gatewayRefund.notes.orderId;
  if (!orderId || !(await deps.orders.get(orderId))) return 'unknown-order';
  const { result } = await commitRefundChange(
    orderId,
    (o) =>
      applyRefundStatus(
        o,
        {
          gatewayRefundId: gatewayRefund.refundId,
          ...(gatewayRefund.notes.refundId ? { refundId: gatewayRefund.notes.refundId } : {}),
          status: gatewayRefund.status,
          source: 'webhook',
        },
        deps.clock.now(),
      ),
    deps,
  );
  return result.outcome === 'changed' ? 'applied' : 'unchanged';
}
