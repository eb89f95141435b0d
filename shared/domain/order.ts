import { eventFor } from './event-ids.ts';
import type { PaymentEvent, PaymentEventType } from './events.ts';
import { formatMoney, type Money, sameMoney } from './money.ts';
import type {
  Capture,
  GatewayName,
  Order,
  OrderFlag,
  PaymentStatus,
  TimelineEntry,
  TransitionSource,
  UnacceptedCause,
} from './payment-types.ts';

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
/** Waiting on the customer or the gateway: what the open-order cap counts and the nightly job settles. */
export const OPEN_STATUSES = ['created', 'processing'] as const satisfies readonly PaymentStatus[];

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
  /** The gateway's order, when it was created before ours: the order is then written once, already attached. */
  readonly gatewayOrder?: {
    readonly gatewayOrderId: string;
    readonly keyId: string;
    readonly checkoutUrl: string | null;
  };
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
    gateway: {
      name: input.gateway,
      orderId: input.gatewayOrder?.gatewayOrderId ?? null,
      keyId: input.gatewayOrder?.keyId ?? null,
      checkoutUrl: input.gatewayOrder?.checkoutUrl ?? null,
    },
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
    // every capture is recorded once, whatever reports it (webhook, status check, reconciliation) and how often
    if (order.captures.some((c) => c.paymentId === obs.paymentId)) {
      return { outcome: 'unchanged', reason: `capture ${obs.paymentId} already recorded` };
    }
    if (!sameMoney(obs.paid, order.amount)) return recordUnaccepted(order, obs, 'amount-mismatch', at);
    if (order.status === 'succeeded') return recordUnaccepted(order, obs, 'duplicate-capture', at);
    if (order.status === 'expired') return recordUnaccepted(order, obs, 'late-success', at);
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

const UNACCEPTED: Readonly<
  Record<UnacceptedCause, { readonly event: PaymentEventType; readonly detail: (o: Order, paid: Money) => string }>
> = {
  'amount-mismatch': {
    event: 'payment.amount_mismatch',
    detail: (o, paid) => `paid ${formatMoney(paid)}, order is ${formatMoney(o.amount)}`,
  },
  'late-success': { event: 'payment.late_succeeded', detail: () => 'paid after the order expired; to be refunded' },
  'duplicate-capture': {
    event: 'payment.duplicate_captured',
    detail: (o) => `a second payment on an order already paid by ${o.paymentId}; to be refunded`,
  },
};

/**
 * Money that arrived but cannot be accepted: kept as a capture of its own with its cause, flagged for refund, and
 * announced by an event per payment (the refunds handler then refunds it from this record, never from the event).
 */
function recordUnaccepted(
  order: Order,
  obs: Extract<PaymentObservation, { status: 'succeeded' }>,
  cause: UnacceptedCause,
  at: string,
): ApplyResult {
  const rule = UNACCEPTED[cause];
  const next: Order = {
    ...order,
    // a late success names the payment that came; an order already paid keeps the payment that paid it
    paymentId: cause === 'late-success' ? obs.paymentId : order.paymentId,
    flags: withFlags(order.flags, cause, 'refund-required'),
    captures: [...order.captures, { paymentId: obs.paymentId, amount: obs.paid, accepted: false, cause, at }],
    updatedAt: at,
    timeline: [
      ...order.timeline,
      {
        at,
        source: obs.source,
        kind: cause,
        from: order.status,
        to: order.status,
        paymentId: obs.paymentId,
        detail: rule.detail(order, obs.paid),
      },
    ],
    version: order.version + 1,
  };
  const event = {
    ...eventFor(next, rule.event, obs.source, at, obs.paymentId),
    paymentId: obs.paymentId,
    amount: obs.paid,
  };
  return { outcome: 'changed', order: next, events: [event] };
}

/** How many webhook event ids an order remembers: a payment sees a handful, a redelivery comes within days. */
export const WEBHOOK_EVENTS_KEPT = 20;

/** Whether the gateway webhook `eventId` already changed this order (it is then a redelivery, dropped). */
export function hasWebhookEvent(order: Order, eventId: string): boolean {
  return order.webhookEvents?.includes(eventId) ?? false;
}

/**
 * The order with `eventId` remembered, written in the same transaction as the change the webhook caused: the order
 * is its own webhook inbox, so deduplicating costs no document of its own. Only the newest ids are kept.
 */
export function withWebhookEvent(order: Order, eventId: string): Order {
  return { ...order, webhookEvents: [...(order.webhookEvents ?? []), eventId].slice(-WEBHOOK_EVENTS_KEPT) };
}

/** Why a capture was not accepted; records older than `cause` tell it in their timeline. */
export function unacceptedCause(order: Order, capture: Capture): UnacceptedCause | null {
  if (capture.accepted) return null;
  if (capture.cause) return capture.cause;
  const entry = order.timeline.find((e) => e.kind !== 'transition' && e.paymentId === capture.paymentId);
  return entry && entry.kind !== 'transition' ? entry.kind : 'duplicate-capture';
}

export function withFlags(flags: readonly OrderFlag[], ...add: OrderFlag[]): OrderFlag[] {
  return [...new Set([...flags, ...add])];
}
