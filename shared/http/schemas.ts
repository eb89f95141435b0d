import * as v from 'valibot';
import { PAYMENT_EVENT_TYPES } from '../domain/events.ts';
import { CURRENCIES, MAX_AMOUNT, MIN_AMOUNT } from '../domain/money.ts';
import { PAYMENT_STATUSES, REFUND_STATUSES, REFUND_TRIGGERS, TRANSITION_SOURCES } from '../domain/payment-types.ts';

export const OrderId = v.pipe(v.string(), v.regex(/^ord_[A-Za-z0-9]{20}$/, 'not an order id'));

export const MoneySchema = v.object({
  amount: v.pipe(
    v.number('amount must be a number of paise'),
    v.integer('amount must be an integer number of paise'),
    v.minValue(MIN_AMOUNT),
    v.maxValue(MAX_AMOUNT),
  ),
  currency: v.picklist(CURRENCIES, `currency must be one of ${CURRENCIES.join(', ')}`),
});

/** A payment event as published on the `payment-events` topic. */
export const PaymentEventSchema = v.object({
  id: v.pipe(v.string(), v.minLength(1)),
  type: v.picklist(PAYMENT_EVENT_TYPES),
  orderId: OrderId,
  customerId: v.pipe(v.string(), v.minLength(1)),
  amount: MoneySchema,
  status: v.picklist(PAYMENT_STATUSES),
  paymentId: v.nullable(v.string()),
  source: v.picklist(TRANSITION_SOURCES),
  occurredAt: v.pipe(v.string(), v.isoTimestamp()),
  refund: v.optional(
    v.nullable(
      v.object({
        id: v.pipe(v.string(), v.minLength(1)),
        amount: MoneySchema,
        status: v.picklist(REFUND_STATUSES),
        trigger: v.picklist(REFUND_TRIGGERS),
        paymentId: v.string(),
      }),
    ),
    null,
  ),
});
