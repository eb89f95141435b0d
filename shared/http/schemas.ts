import * as v from 'valibot';
import { PAYMENT_EVENT_TYPES } from '../domain/events.ts';
import { CURRENCIES, MAX_AMOUNT, MIN_AMOUNT } from '../domain/money.ts';
import { NOTIFICATION_STEPS } from '../domain/notification.ts';
import { PAYMENT_STATUSES, REFUND_STATUSES, REFUND_TRIGGERS, TRANSITION_SOURCES } from '../domain/payment-types.ts';
import {
  ACTION_RESULTS,
  type ActionResult,
  DAY_PATTERN,
  DIFFERENCE_KINDS,
  type DifferenceKind,
} from '../domain/reconciliation.ts';

export const OrderId = v.pipe(
  v.string(),
  v.regex(/^ord_[A-Za-z0-9]{20}$/, 'must be an order id (ord_ and 20 letters or digits)'),
);

export const MoneySchema = v.object({
  amount: v.pipe(
    v.number('must be a number of paise'),
    v.integer('must be a whole number of paise'),
    v.minValue(MIN_AMOUNT),
    v.maxValue(MAX_AMOUNT),
    v.description('In paise, the smallest unit: ₹499.00 is 49900.'),
  ),
  currency: v.picklist(CURRENCIES, `must be one of ${CURRENCIES.join(', ')}`),
});

/**
 * Money an event reports: a fact already recorded, not a request, so any positive amount. (A refund of what an
 * operator's refunds left over can be below the ₹1 a request must reach; refusing its event would dead-letter it.)
 */
const RecordedMoneySchema = v.object({
  amount: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_AMOUNT)),
  currency: v.picklist(CURRENCIES),
});

/** A payment event as published on the `payment-events` topic. */
export const PaymentEventSchema = v.object({
  id: v.pipe(v.string(), v.minLength(1)),
  type: v.picklist(PAYMENT_EVENT_TYPES),
  orderId: OrderId,
  customerId: v.pipe(v.string(), v.minLength(1)),
  amount: RecordedMoneySchema,
  status: v.picklist(PAYMENT_STATUSES),
  paymentId: v.nullable(v.string()),
  source: v.picklist(TRANSITION_SOURCES),
  occurredAt: v.pipe(v.string(), v.isoTimestamp()),
  refund: v.optional(
    v.nullable(
      v.object({
        id: v.pipe(v.string(), v.minLength(1)),
        amount: RecordedMoneySchema,
        status: v.picklist(REFUND_STATUSES),
        trigger: v.picklist(REFUND_TRIGGERS),
        paymentId: v.string(),
      }),
    ),
    null,
  ),
});

/** A notification: in the customer's feed, and the body of the app-webhook delivery task. */
export const NotificationSchema = v.strictObject({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(300)),
  customerId: v.pipe(v.string(), v.minLength(1)),
  orderId: v.string(),
  step: v.picklist(NOTIFICATION_STEPS),
  message: v.string(),
  eventId: v.string(),
  createdAt: v.pipe(v.string(), v.isoTimestamp()),
});

/**
 * What the app's backend receives at APP_WEBHOOK_URL (shared/use-cases/deliver-notification.ts), signed in
 * `X-Payments-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`.
 */
export const AppWebhookPayloadSchema = v.strictObject({
  type: v.picklist(NOTIFICATION_STEPS.map((step) => `notification.${step}` as const)),
  notification: NotificationSchema,
});

const Count = v.pipe(v.number(), v.integer(), v.minValue(0));

/** A completed reconciliation run's summary for finance: the body of its app-webhook delivery task. */
export const ReconciliationSummarySchema = v.strictObject({
  id: v.pipe(v.string(), v.regex(/^reconciliation:rec_[A-Za-z0-9_]{1,64}$/, 'not a reconciliation summary id')),
  type: v.literal('reconciliation.completed'),
  runId: v.pipe(v.string(), v.regex(/^rec_[A-Za-z0-9_]{1,64}$/, 'not a run id')),
  day: v.pipe(v.string(), v.regex(DAY_PATTERN, 'not a YYYY-MM-DD day')),
  trigger: v.picklist(['schedule', 'manual']),
  counts: v.strictObject({
    orders: Count,
    settled: v.strictObject({ succeeded: Count, failed: Count, expired: Count }),
    stillOpen: Count,
    gatewayPayments: Count,
    gatewayRefunds: Count,
    settlementLines: Count,
    differences: v.strictObject(
      Object.fromEntries(DIFFERENCE_KINDS.map((k) => [k, Count])) as Record<DifferenceKind, typeof Count>,
    ),
    results: v.strictObject(
      Object.fromEntries(ACTION_RESULTS.map((k) => [k, Count])) as Record<ActionResult, typeof Count>,
    ),
  }),
  needsPerson: Count,
  report: v.pipe(v.string(), v.regex(/^\/v1\/ops\/reconciliations\/rec_[A-Za-z0-9_]{1,64}$/)),
  createdAt: v.pipe(v.string(), v.isoTimestamp()),
});

/** The body of a `notification-deliveries` task: a customer notification or a reconciliation summary. */
export const NoticeSchema = v.union([NotificationSchema, ReconciliationSummarySchema]);

/** What the app's backend receives when a reconciliation run completes; signed like every app webhook. */
export const ReconciliationWebhookPayloadSchema = v.strictObject({
  type: v.literal('reconciliation.completed'),
  reconciliation: ReconciliationSummarySchema,
});
