import * as v from 'valibot';
import { MAX_AMOUNT } from '../../shared/domain/money.ts';
import { PAYMENT_STATUSES } from '../../shared/domain/payment-types.ts';
import { AUDITED_ACTIONS } from '../../shared/domain/permissions.ts';
import { noCardDataInNotes, noCardNumber } from '../../shared/http/card-data.ts';
import { MoneySchema, OrderId } from '../../shared/http/schemas.ts';

// The schemas the api's routes validate with. services/api/openapi.ts builds the OpenAPI document from these same
// values, so what the document says is what the routes accept.

/** Required on order creation and refunds: a retried request with the same key returns the first result. */
export const IdempotencyKey = v.pipe(
  v.string('is required: send a key unique to this payment (or refund), so a retry never makes a second one'),
  v.regex(/^[A-Za-z0-9_.:-]{1,255}$/, 'must be 1–255 letters, digits, or _ . : -'),
  v.description(
    'Required. One key per payment (or refund) the user means to make; a retry with the same key and body returns ' +
      'the first result (header `Idempotency-Replayed: true`), the same key with another body is a 409.',
  ),
);

export const CreateOrderBody = v.strictObject({
  ...MoneySchema.entries,
  // card data is never taken: the gateway's checkout collects it (PCI DSS scope stays with the gateway)
  description: v.optional(v.pipe(v.string(), v.maxLength(255), noCardNumber, v.description('Shown at checkout.'))),
  // Razorpay's own limits on notes: at most 15 keys, values up to 256 characters
  notes: v.optional(
    v.pipe(
      v.record(v.pipe(v.string(), v.minLength(1), v.maxLength(40)), v.pipe(v.string(), v.maxLength(256))),
      v.check((notes) => Object.keys(notes).length <= 15, 'must have at most 15 notes'),
      noCardDataInNotes,
      v.description('Up to 15 key-value pairs, passed on to the gateway; never card data.'),
    ),
  ),
});

const PaymentIdField = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9_]{1,64}$/, 'must be a payment id such as pay_…'),
  v.description('The payment id the checkout handed the app (`pay_…`).'),
);
const SignatureField = v.pipe(
  v.string(),
  v.regex(/^[0-9a-fA-F]{1,128}$/, 'must be the hex signature the checkout handed the app'),
  v.description('HMAC-SHA256 over `<gateway order id>|<payment id>`, hex, as the checkout handed it.'),
);

/**
 * The checkout's callback as Razorpay hands it to the app (`razorpay_order_id`, `razorpay_payment_id`,
 * `razorpay_signature`), forwarded unchanged; `paymentId` + `signature` are accepted as a short alias.
 */
export const ConfirmBody = v.pipe(
  v.strictObject({
    razorpay_order_id: v.optional(
      v.pipe(
        v.string(),
        v.regex(/^[A-Za-z0-9_]{1,64}$/, 'must be a gateway order id such as order_…'),
        v.description("The gateway's order id (`order_…`); must be this order's, or the confirm is refused."),
      ),
    ),
    razorpay_payment_id: v.optional(PaymentIdField),
    razorpay_signature: v.optional(SignatureField),
    paymentId: v.optional(v.pipe(PaymentIdField, v.description('Alias of `razorpay_payment_id`.'))),
    signature: v.optional(v.pipe(SignatureField, v.description('Alias of `razorpay_signature`.'))),
  }),
  v.check(
    (b) =>
      (b.razorpay_order_id !== undefined &&
        b.razorpay_payment_id !== undefined &&
        b.razorpay_signature !== undefined) ||
      (b.paymentId !== undefined && b.signature !== undefined),
    'send razorpay_order_id, razorpay_payment_id and razorpay_signature as the checkout handed them ' +
      '(or paymentId and signature)',
  ),
  v.description(
    "Razorpay checkout's success callback, forwarded as-is: `razorpay_order_id`, `razorpay_payment_id`, " +
      '`razorpay_signature`. The short form `paymentId` + `signature` is also accepted.',
  ),
);

const Limit = (fallback: string) =>
  v.optional(
    v.pipe(
      v.string(),
      v.toNumber(),
      v.integer(),
      v.minValue(1),
      v.maxValue(100),
      v.description(`Page size, 1–100 (default ${fallback}).`),
    ),
    fallback,
  );
const Cursor = v.optional(
  v.pipe(v.string(), v.maxLength(512), v.description("The previous page's `nextCursor`; omit for the first page.")),
);

export const ListQuery = v.strictObject({
  status: v.optional(v.pipe(v.picklist(PAYMENT_STATUSES), v.description('Only orders in this status.'))),
  from: v.optional(
    v.pipe(v.string(), v.isoTimestamp(), v.description('Created at or after this time (ISO 8601, inclusive).')),
  ),
  to: v.optional(
    v.pipe(v.string(), v.isoTimestamp(), v.description('Created before this time (ISO 8601, exclusive).')),
  ),
  limit: Limit('20'),
  cursor: Cursor,
});

export const FeedQuery = v.strictObject({ limit: Limit('20'), cursor: Cursor });

export const RefundBody = v.strictObject({
  amount: v.optional(
    v.pipe(
      v.number(),
      v.integer('must be a whole number of paise'),
      v.minValue(1),
      v.maxValue(MAX_AMOUNT),
      v.description('Paise to refund; omit to refund everything that is left of the payment.'),
    ),
  ),
  reason: v.pipe(v.string(), v.trim(), v.minLength(1, 'must say why'), v.maxLength(255), noCardNumber),
});

export const DeliveriesQuery = v.strictObject({
  orderId: v.optional(v.pipe(OrderId, v.description("Only this order's deliveries."))),
  limit: Limit('50'),
});

export const CustomerIdParam = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1–128 letters, digits, _ or -'),
);

export const AuditQuery = v.strictObject({
  target: v.optional(
    v.pipe(v.string(), v.minLength(1), v.maxLength(200), v.description('An order id, `customer:<id>` or a day.')),
  ),
  action: v.optional(v.picklist(AUDITED_ACTIONS)),
  limit: Limit('50'),
  cursor: Cursor,
});

export const IssuesQuery = v.strictObject({ limit: Limit('50'), cursor: Cursor });

/** Why an operator changes an account; kept in the audit log. */
export const ReasonBody = v.strictObject({
  reason: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(255), noCardNumber)),
});

/** `Last-Event-ID`: the id of the last stream event the client saw (a timeline index). */
export const LastEventId = v.optional(
  v.pipe(
    v.string(),
    v.regex(/^\d{1,6}$/, 'must be the id of an event this stream sent'),
    v.transform(Number),
    v.description('Resume after this event id (the index of the last timeline entry seen).'),
  ),
);
