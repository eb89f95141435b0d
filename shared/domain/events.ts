import type { Money } from './money.ts';
import type { PaymentStatus, RefundStatus, RefundTrigger, TransitionSource } from './payment-types.ts';

/** Every event the payment core publishes. A closed union: consumers switch over it exhaustively. */
export const PAYMENT_EVENT_TYPES = [
  'payment.created',
  'payment.processing',
  'payment.succeeded',
  'payment.failed',
  'payment.expired',
  'payment.late_succeeded',
  'payment.amount_mismatch',
  'payment.duplicate_captured',
  'refund.initiated',
  'refund.processed',
  'refund.failed',
] as const;
export type PaymentEventType = (typeof PAYMENT_EVENT_TYPES)[number];

export interface PaymentEvent {
  /** Deterministic (see event-ids.ts), so a re-publish is recognisable downstream. */
  readonly id: string;
  readonly type: PaymentEventType;
  readonly orderId: string;
  readonly customerId: string;
  readonly amount: Money;
  readonly status: PaymentStatus;
  readonly paymentId: string | null;
  readonly source: TransitionSource;
  readonly occurredAt: string;
  /** Set on `refund.*` events: which refund, how much, and why. */
  readonly refund?: {
    readonly id: string;
    readonly amount: Money;
    readonly status: RefundStatus;
    readonly trigger: RefundTrigger;
    readonly paymentId: string;
  } | null;
}

export function isPaymentEventType(value: unknown): value is PaymentEventType {
  return typeof value === 'string' && (PAYMENT_EVENT_TYPES as readonly string[]).includes(value);
}

/** Topics carry events between services. A closed list so a typo is a type error, not a silent new topic. */
export const TOPICS = ['payment-events'] as const;
export type TopicName = (typeof TOPICS)[number];
