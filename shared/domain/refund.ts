import { AppError } from './errors.ts';
import { eventFor } from './event-ids.ts';
import type { PaymentEvent, PaymentEventType } from './events.ts';
import type { Money } from './money.ts';
import { unacceptedCause } from './order.ts';
import type { Capture, Order, Refund, RefundStatus, RefundTrigger, TransitionSource } from './payment-types.ts';

export type RefundChange =
  | {
      readonly outcome: 'changed';
      readonly order: Order;
      readonly events: readonly PaymentEvent[];
      /** Null only for a change that concerns no refund in particular. */
      readonly refund: Refund | null;
    }
  | { readonly outcome: 'unchanged'; readonly reason: string; readonly refund: Refund | null };

const FINAL: readonly RefundStatus[] = ['processed', 'failed'];

export function isRefundFinal(status: RefundStatus): boolean {
  return FINAL.includes(status);
}

/** What is left to refund of one captured payment: its amount less every refund that has not failed. */
export function refundableAmount(order: Order, paymentId: string): number {
  const capture = order.captures.find((c) => c.paymentId === paymentId);
  if (!capture) return 0;
  const committed = order.refunds
    .filter((r) => r.paymentId === paymentId && r.status !== 'failed')
    .reduce((sum, r) => sum + r.amount.amount, 0);
  return capture.amount.amount - committed;
}

export function refundedAmount(order: Order): Money {
  return {
    amount: order.refunds.filter((r) => r.status === 'processed').reduce((sum, r) => sum + r.amount.amount, 0),
    currency: order.amount.currency,
  };
}

/** The capture a refund applies to by default: the accepted payment, else the only one held. */
function defaultCapture(order: Order): Capture | undefined {
  return order.captures.find((c) => c.accepted) ?? (order.captures.length === 1 ? order.captures[0] : undefined);
}

export interface RefundRequest {
  readonly refundId: string;
  readonly paymentId?: string;
  /** Minor units; absent = everything left to refund of that payment. */
  readonly amount?: number;
  readonly reason: string;
  readonly trigger: RefundTrigger;
  readonly requestedBy: string;
}

/**
 * Records a refund request on the order (with its `refund.initiated` event), checked against what is left to refund
 * in the same transaction, so concurrent requests can never over-refund. The same refund id again changes nothing.
 */
export function requestRefund(order: Order, request: RefundRequest, now: Date): RefundChange {
  const existing = order.refunds.find((r) => r.id === request.refundId);
  if (existing) return { outcome: 'unchanged', reason: 'refund already requested', refund: existing };
  const capture = request.paymentId
    ? order.captures.find((c) => c.paymentId === request.paymentId)
    : defaultCapture(order);
  if (!capture) throw new AppError('invalid-state', 'the order has no captured payment to refund');
  const left = refundableAmount(order, capture.paymentId);
  const amount = request.amount ?? left;
  if (left <= 0) throw new AppError('invalid-state', 'this payment is already fully refunded');
  if (amount > left) {
    throw new AppError('invalid-state', `only ${left} minor units are left to refund of ${capture.paymentId}`, [
      { path: 'amount', message: `at most ${left}` },
    ]);
  }
  const at = now.toISOString();
  const refund: Refund = {
    id: request.refundId,
    paymentId: capture.paymentId,
    amount: { amount, currency: capture.amount.currency },
    reason: request.reason,
    trigger: request.trigger,
    requestedBy: request.requestedBy,
    status: 'requested',
    gatewayRefundId: null,
    failureReason: null,
    createdAt: at,
    updatedAt: at,
  };
  const next: Order = { ...order, refunds: [...order.refunds, refund], updatedAt: at, version: order.version + 1 };
  return {
    outcome: 'changed',
    order: next,
    refund,
    events: [refundEvent(next, refund, 'refund.initiated', 'api', at)],
  };
}

/**
 * Applies what the gateway says of a refund. Forward-only: `requested → pending → processed | failed`; a final
 * status never changes, and the same status again changes nothing. `gatewayRefundId` is recorded the first time.
 */
export function applyRefundStatus(
  order: Order,
  update: {
    readonly refundId?: string;
    readonly gatewayRefundId?: string;
    readonly status: Exclude<RefundStatus, 'requested'>;
    readonly failureReason?: string | null;
    readonly source: TransitionSource;
  },
  now: Date,
): RefundChange {
  const refund = order.refunds.find(
    (r) =>
      (update.refundId !== undefined && r.id === update.refundId) ||
      (update.gatewayRefundId !== undefined && r.gatewayRefundId === update.gatewayRefundId),
  );
  if (!refund) return { outcome: 'unchanged', reason: 'no such refund on this order', refund: null };
  if (
    refund.status === update.status ||
    isRefundFinal(refund.status) ||
    (update.status === 'pending' && refund.status !== 'requested')
  ) {
    if (refund.gatewayRefundId === null && update.gatewayRefundId) {
      return replaceRefund(order, { ...refund, gatewayRefundId: update.gatewayRefundId }, now, null, update.source);
    }
    return { outcome: 'unchanged', reason: `refund already ${refund.status}`, refund };
  }
  const changed: Refund = {
    ...refund,
    status: update.status,
    gatewayRefundId: refund.gatewayRefundId ?? update.gatewayRefundId ?? null,
    failureReason: update.status === 'failed' ? (update.failureReason ?? 'refund failed at the gateway') : null,
  };
  const type = update.status === 'processed' ? 'refund.processed' : update.status === 'failed' ? 'refund.failed' : null;
  return replaceRefund(order, changed, now, type, update.source);
}

function replaceRefund(
  order: Order,
  refund: Refund,
  now: Date,
  type: PaymentEventType | null,
  source: TransitionSource,
): RefundChange {
  const at = now.toISOString();
  const updated = { ...refund, updatedAt: at };
  const next: Order = {
    ...order,
    refunds: order.refunds.map((r) => (r.id === refund.id ? updated : r)),
    updatedAt: at,
    version: order.version + 1,
  };
  return {
    outcome: 'changed',
    order: next,
    refund: updated,
    events: type ? [refundEvent(next, updated, type, source, at)] : [],
  };
}

function refundEvent(
  order: Order,
  refund: Refund,
  type: PaymentEventType,
  source: TransitionSource,
  at: string,
): PaymentEvent {
  // one order can have several refunds: the refund id keeps their events apart
  return {
    ...eventFor(order, type, source, at, refund.id),
    refund: {
      id: refund.id,
      amount: refund.amount,
      status: refund.status,
      trigger: refund.trigger,
      paymentId: refund.paymentId,
    },
  };
}

/** The refund id of a refund the product owes on its own: one per payment, so it can only ever be asked once. */
export function autoRefundId(paymentId: string): string {
  return `rfd_${paymentId}`;
}

export interface OwedRefund {
  readonly paymentId: string;
  readonly trigger: Exclude<RefundTrigger, 'operator'>;
}

/**
 * The refunds the order itself says are owed, derived only from what is recorded on it: every capture that was never
 * accepted (late, wrong amount, a second capture), and the accepted one when crediting it failed for good. A payment
 * already given back (an automatic refund asked, or operators refunding all of it) owes nothing more. An event never
 * decides this: it only wakes the handler that asks this function.
 */
export function owedRefunds(order: Order): OwedRefund[] {
  const owed: OwedRefund[] = [];
  for (const capture of order.captures) {
    const trigger = capture.accepted
      ? order.flags.includes('credit-failed')
        ? 'credit-failed'
        : null
      : unacceptedCause(order, capture);
    if (trigger === null) continue;
    if (order.refunds.some((r) => r.id === autoRefundId(capture.paymentId))) continue;
    if (refundableAmount(order, capture.paymentId) <= 0) continue;
    owed.push({ paymentId: capture.paymentId, trigger });
  }
  return owed;
}

/** Why the product refunds on its own, in the customer's words. */
export function autoRefundReason(trigger: Exclude<RefundTrigger, 'operator'>): string {
  switch (trigger) {
    case 'credit-failed':
      return 'the payment could not be credited to the account';
    case 'late-success':
      return 'paid after the order expired';
    case 'amount-mismatch':
      return 'the amount paid does not match the order';
    case 'duplicate-capture':
      return 'a second payment for an order already paid';
  }
}

/**
 * Asks every owed refund in one change (each with its `refund.initiated` event). Unchanged when nothing is owed,
 * which is what a duplicate or lying event finds.
 */
export function requestOwedRefunds(order: Order, now: Date): RefundChange {
  let current = order;
  const events: PaymentEvent[] = [];
  for (const { paymentId, trigger } of owedRefunds(order)) {
    const change = requestRefund(
      current,
      {
        refundId: autoRefundId(paymentId),
        paymentId,
        reason: autoRefundReason(trigger),
        trigger,
        requestedBy: 'system',
      },
      now,
    );
    if (change.outcome === 'changed') {
      current = change.order;
      events.push(...change.events);
    }
  }
  if (events.length === 0) return { outcome: 'unchanged', reason: 'no refund owed', refund: null };
  return { outcome: 'changed', order: { ...current, version: order.version + 1 }, events, refund: null };
}
