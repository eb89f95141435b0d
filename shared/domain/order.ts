import { eventFor } from './event-ids.ts';
import type { PaymentEvent } from './events.ts';
import { formatMoney, type Money, sameMoney } from './money.ts';
import type { GatewayName, Order, OrderFlag, PaymentStatus, TimelineEntry, TransitionSource } from './payment-types.ts';

/** What some source saw of the payment. Applying the same observation twice changes nothing. */
export type PaymentObservation =
  | { readonly status: 'processing'; readonly source: TransitionSource; readonly paymentId?: string }
  | {
      readonly status: 'succeeded';
      readonly source: TransitionSource;
      readonly paymentId: string;
      /** What the gateway says was paid; compared with the order before success is accepted. */
      readonly paid: Money;
    }
  | {
      readonly status: 'failed';
      readonly source: TransitionSource;
      readonly paymentId?: string;
      readonly reason?: string;
    }
  | { readonly status: 'expired'; readonly source: TransitionSource };

export type ApplyResult =
  | { readonly outcome: 'changed'; readonly order: Order; readonly events: readonly PaymentEvent[] }
  | { readonly outcome: 'unchanged'; readonly reason: string }
  | { readonly outcome: 'rejected'; readonly reason: string };

export const TERMINAL_STATUSES: readonly PaymentStatus[] = ['succeeded', 'failed', 'expired'];

export function isTerminal(status: PaymentStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

/**
 * Forward-only, as gateways advise. `failed → succeeded` is allowed because the user may retry in the same checkout
 * or the gateway may capture late; nothing leaves `succeeded` or `expired` (a success after expiry is recorded and
 * flagged instead, see applyObservation).
 */
const ALLOWED: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  created: ['processing', 'succeeded', 'failed', 'expired'],
  processing: ['succeeded', 'failed', 'expired'],
  failed: ['succeeded'],
  succeeded: [],
  expired: [],
};

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return ALLOWED[from].includes(to);
}

export interface NewOrderInput {
  readonly id: string;
  readonly customerId: string;
  readonly amount: Money;
  readonly description?: string | null;
  readonly notes?: Readonly<Record<string, string>>;
  readonly gateway: GatewayName;
  readonly now: Date;
}

export function newOrder(input: NewOrderInput): { order: Order; events: PaymentEvent[] } {
  const at = input.now.toISOString();
  const order: Order = {
    id: input.id,
    customerId: input.customerId,
    amount: input.amount,
    description: input.description ?? null,
    notes: input.notes ?? {},
    status: 'created',
    gateway: { name: input.gateway, orderId: null, keyId: null, checkoutUrl: null },
    paymentId: null,
    flags: [],
    captures: [],
    refunds: [],
    createdAt: at,
    updatedAt: at,
    timeline: [{ at, source: 'api', kind: 'transition', from: null, to: 'created' }],
    version: 1,
  };
  return { order, events: [eventFor(order, 'payment.created', 'api', at)] };
}

/** Idempotent: the first gateway order wins, so a retried create never re-points an order. */
export function attachGatewayOrder(
  order: Order,
  checkout: { gatewayOrderId: string; keyId: string; checkoutUrl: string | null },
  now: Date,
): Order | null {
  if (order.gateway.orderId !== null) return null;
  return {
    ...order,
    gateway: {
      ...order.gateway,
      orderId: checkout.gatewayOrderId,
      keyId: checkout.keyId,
      checkoutUrl: checkout.checkoutUrl,
    },
    updatedAt: now.toISOString(),
    version: order.version + 1,
  };
}

/**
 * Whether the status checks must go on. `failed` is terminal for the customer but not for the gateway: Razorpay lets
 * the user retry in the same checkout, so a failed order is still watched for a late success until its maximum age.
 */
export function needsStatusCheck(order: Order, now: Date, maxAgeSeconds: number): boolean {
  switch (order.status) {
    case 'created':
    case 'processing':
      return true;
    case 'failed':
      return !isPastMaxAge(order, now, maxAgeSeconds);
    case 'succeeded':
    case 'expired':
      return false;
  }
}

/** Whether an order older than `maxAgeSeconds` at `now` has run out of time to be paid. */
export function isPastMaxAge(order: Order, now: Date, maxAgeSeconds: number): boolean {
  return now.getTime() - Date.parse(order.createdAt) >= maxAgeSeconds * 1000;
}

/**
 * The state machine. Pure: the caller persists `order` and `events` together (one transaction with an outbox).
 * Duplicates and stale observations come back `unchanged`; impossible ones `rejected`, for the caller to log.
 */
export function applyObservation(order: Order, obs: PaymentObservation, now: Date): ApplyResult {
  const at = now.toISOString();
  if (obs.status === 'succeeded') {
    if (!sameMoney(obs.paid, order.amount)) return recordMismatch(order, obs, at);
    if (order.status === 'succeeded') {
      return obs.paymentId === order.paymentId
        ? { outcome: 'unchanged', reason: 'already succeeded with this payment' }
        : { outcome: 'rejected', reason: `already succeeded with payment ${order.paymentId}` };
    }
    if (order.status === 'expired') return recordLateSuccess(order, obs, at);
  } else if (obs.status === order.status) {
    return { outcome: 'unchanged', reason: `already ${order.status}` };
  }
  if (!canTransition(order.status, obs.status)) {
    return { outcome: 'rejected', reason: `${order.status} → ${obs.status} is not allowed` };
  }
  const paymentId = 'paymentId' in obs && obs.paymentId ? obs.paymentId : order.paymentId;
  const entry: TimelineEntry = {
    at,
    source: obs.source,
    kind: 'transition',
    from: order.status,
    to: obs.status,
    ...(paymentId ? { paymentId } : {}),
    ...(obs.status === 'failed' && obs.reason ? { detail: obs.reason } : {}),
  };
  const next: Order = {
    ...order,
    status: obs.status,
    paymentId,
    captures:
      obs.status === 'succeeded'
        ? [...order.captures, { paymentId: obs.paymentId, amount: obs.paid, accepted: true, at }]
        : order.captures,
    updatedAt: at,
    timeline: [...order.timeline, entry],
    version: order.version + 1,
  };
  return { outcome: 'changed', order: next, events: [eventFor(next, `payment.${obs.status}`, obs.source, at)] };
}

function recordMismatch(
  order: Order,
  obs: Extract<PaymentObservation, { status: 'succeeded' }>,
  at: string,
): ApplyResult {
  const seen = order.timeline.some((e) => e.kind === 'amount-mismatch' && e.paymentId === obs.paymentId);
  if (seen) return { outcome: 'unchanged', reason: 'amount mismatch already recorded for this payment' };
  const next: Order = {
    ...order,
    flags: withFlags(order.flags, 'amount-mismatch', 'refund-required'),
    captures: [...order.captures, { paymentId: obs.paymentId, amount: obs.paid, accepted: false, at }],
    updatedAt: at,
    timeline: [
      ...order.timeline,
      {
        at,
        source: obs.source,
        kind: 'amount-mismatch',
        from: order.status,
        to: order.status,
        paymentId: obs.paymentId,
        detail: `paid ${formatMoney(obs.paid)}, order is ${formatMoney(order.amount)}`,
      },
    ],
    version: order.version + 1,
  };
  // one order can be paid wrongly more than once: each mismatched payment is its own event
  const event = {
    ...eventFor(next, 'payment.amount_mismatch', obs.source, at, obs.paymentId),
    paymentId: obs.paymentId,
    amount: obs.paid,
  };
  return { outcome: 'changed', order: next, events: [event] };
}

function recordLateSuccess(
  order: Order,
  obs: Extract<PaymentObservation, { status: 'succeeded' }>,
  at: string,
): ApplyResult {
  if (order.flags.includes('late-success')) return { outcome: 'unchanged', reason: 'late success already recorded' };
  const next: Order = {
    ...order,
    paymentId: obs.paymentId,
    flags: withFlags(order.flags, 'late-success', 'refund-required'),
    captures: [...order.captures, { paymentId: obs.paymentId, amount: obs.paid, accepted: false, at }],
    updatedAt: at,
    timeline: [
      ...order.timeline,
      {
        at,
        source: obs.source,
        kind: 'late-success',
        from: 'expired',
        to: 'expired',
        paymentId: obs.paymentId,
        detail: 'paid after the order expired; to be refunded',
      },
    ],
    version: order.version + 1,
  };
  return { outcome: 'changed', order: next, events: [eventFor(next, 'payment.late_succeeded', obs.source, at)] };
}

export function withFlags(flags: readonly OrderFlag[], ...add: OrderFlag[]): OrderFlag[] {
  return [...new Set([...flags, ...add])];
}
