import type { Money } from './money.ts';

/**
 * The shapes of an order and its refunds, with no rules attached. The rule modules (order.ts, refund.ts, events.ts)
 * all import from here and never from each other's types, so the domain's import graph stays acyclic.
 */

export const PAYMENT_STATUSES = ['created', 'processing', 'succeeded', 'failed', 'expired'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** Where an observation came from; recorded on every timeline entry. */
export const TRANSITION_SOURCES = ['api', 'client', 'webhook', 'status-check', 'reconcile'] as const;
export type TransitionSource = (typeof TRANSITION_SOURCES)[number];

export type GatewayName = 'razorpay';

/** Facts about an order that need a person or a later process (the refund flow) to act on. */
export type OrderFlag = 'late-success' | 'amount-mismatch' | 'duplicate-capture' | 'refund-required' | 'credit-failed';

/** Why a capture was not accepted: it came after expiry, was of the wrong amount, or the order was already paid. */
export const UNACCEPTED_CAUSES = ['late-success', 'amount-mismatch', 'duplicate-capture'] as const;
export type UnacceptedCause = (typeof UNACCEPTED_CAUSES)[number];

/**
 * Money the gateway captured for this order, every capture it ever reported. `accepted` is the one payment that made
 * the order succeed; the others are money we hold but never accepted (`cause` says why), and are refunded.
 */
export interface Capture {
  readonly paymentId: string;
  readonly amount: Money;
  readonly accepted: boolean;
  /** Set when not accepted. Older records lack it; their cause is read from the timeline (see order.ts). */
  readonly cause?: UnacceptedCause;
  readonly at: string;
}

export interface TimelineEntry {
  readonly at: string;
  readonly source: TransitionSource;
  /** `transition` moves the status; the others record money that arrived but could not be accepted as success. */
  readonly kind: 'transition' | UnacceptedCause;
  readonly from: PaymentStatus | null;
  readonly to: PaymentStatus;
  readonly paymentId?: string;
  readonly detail?: string;
}

export interface Order {
  readonly id: string;
  readonly customerId: string;
  readonly amount: Money;
  readonly description: string | null;
  readonly notes: Readonly<Record<string, string>>;
  readonly status: PaymentStatus;
  /** The gateway's side of the order, set once the gateway created it; what the app opens its checkout with. */
  readonly gateway: {
    readonly name: GatewayName;
    readonly orderId: string | null;
    readonly keyId: string | null;
    readonly checkoutUrl: string | null;
  };
  /** The payment that settled the order, or the latest attempt seen. */
  readonly paymentId: string | null;
  readonly flags: readonly OrderFlag[];
  readonly captures: readonly Capture[];
  readonly refunds: readonly Refund[];
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly timeline: readonly TimelineEntry[];
  /** Bumped on every change; adapters may use it for optimistic checks. */
  readonly version: number;
  /** Ids of the gateway webhooks that changed this order, newest last (see withWebhookEvent); absent until one does. */
  readonly webhookEvents?: readonly string[];
}

/** Why a refund exists: an operator asked, or post-payment processing could not complete. */
export const REFUND_TRIGGERS = [
  'operator',
  'credit-failed',
  'late-success',
  'amount-mismatch',
  'duplicate-capture',
] as const;
export type RefundTrigger = (typeof REFUND_TRIGGERS)[number];

/** requested (recorded, not yet at the gateway) → pending (the gateway has it) → processed | failed. */
export const REFUND_STATUSES = ['requested', 'pending', 'processed', 'failed'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

export interface Refund {
  /** Ours, and the idempotency key the gateway gets: a retried submission can never refund twice. */
  readonly id: string;
  readonly paymentId: string;
  readonly amount: Money;
  readonly reason: string;
  readonly trigger: RefundTrigger;
  readonly requestedBy: string;
  readonly status: RefundStatus;
  readonly gatewayRefundId: string | null;
  readonly failureReason: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}
