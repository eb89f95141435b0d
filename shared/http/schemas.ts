import * as v from 'valibot';
import { PAYMENT_EVENT_TYPES } from '../domain/events.ts';
import { CURRENCIES, MAX_AMOUNT, MIN_AMOUNT } from '../domain/money.ts';
import { NOTIFICATION_STEPS } from '../domain/notification.ts';
import { PAYMENT_STATUSES, REFUND_STATUSES, REFUND_TRIGGERS, TRANSITION_SOURCES } from '../domain/payment-types.ts';

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
