import * as v from 'valibot';
import { AppError } from '../../../domain/errors.ts';
import { CURRENCIES, type Currency, isCurrency } from '../../../domain/money.ts';
import type { PaymentObservation } from '../../../domain/order.ts';
import type {
  CheckoutDetails,
  GatewayPaymentRecord,
  GatewayPaymentState,
  GatewayRefund,
  GatewayRefundRecord,
  GatewayWebhook,
  RefundStatus,
  SettlementLine,
} from '../../../ports/payment-gateway.ts';

/*
 * Razorpay's shapes and how they map to ours (the Hyperswitch split: the gateway class does I/O, this file only
 * validates and translates). Schemas are loose: Razorpay adds fields freely, and we check only those we read.
 */

const Paise = v.pipe(v.number(), v.safeInteger(), v.minValue(0));
const Text = v.nullish(v.string());

export const RzpOrderSchema = v.looseObject({
  id: v.pipe(v.string(), v.startsWith('order_')),
  entity: v.literal('order'),
  amount: Paise,
  currency: v.string(),
  status: v.string(),
});
export type RzpOrder = v.InferOutput<typeof RzpOrderSchema>;

export const RzpPaymentSchema = v.looseObject({
  id: v.pipe(v.string(), v.startsWith('pay_')),
  entity: v.literal('payment'),
  amount: Paise,
  currency: v.picklist(CURRENCIES),
  // Kept open: an unknown future status must not break the status check; collapsePayments treats it as in flight.
  status: v.string(),
  order_id: Text,
  captured: v.optional(v.boolean(), false),
  error_code: Text,
  error_description: Text,
  error_reason: Text,
  created_at: v.number(),
});
export type RzpPayment = v.InferOutput<typeof RzpPaymentSchema>;

export const RzpPaymentCollectionSchema = v.looseObject({
  entity: v.literal('collection'),
  count: v.number(),
  items: v.array(RzpPaymentSchema),
});

const REFUND_STATUSES = ['pending', 'processed', 'failed'] as const satisfies readonly RefundStatus[];

export const RzpRefundSchema = v.looseObject({
  id: v.pipe(v.string(), v.startsWith('rfnd_')),
  entity: v.literal('refund'),
  amount: Paise,
  // Some documented samples show `""` here; toGatewayRefund falls back to the payment's currency.
  currency: Text,
  payment_id: v.pipe(v.string(), v.startsWith('pay_')),
  status: v.picklist(REFUND_STATUSES),
  // Razorpay sends `[]` for empty notes; only string values are kept
  notes: v.optional(v.union([v.record(v.string(), v.unknown()), v.array(v.unknown())]), {}),
});
export type RzpRefund = v.InferOutput<typeof RzpRefundSchema>;

export const RzpRefundCollectionSchema = v.looseObject({
  entity: v.literal('collection'),
  count: v.number(),
  items: v.array(v.looseObject({ ...RzpRefundSchema.entries, created_at: v.number() })),
});

export const RzpReconCollectionSchema = v.looseObject({
  entity: v.literal('collection'),
  count: v.number(),
  items: v.array(
    v.looseObject({
      entity_id: v.string(),
      type: v.string(),
      amount: Paise,
      currency: v.picklist(CURRENCIES),
      fee: v.optional(v.nullable(v.number()), 0),
      payment_id: Text,
      order_id: Text,
      settled_at: v.nullish(v.number()),
    }),
  ),
});

export const RzpErrorSchema = v.looseObject({
  error: v.looseObject({
    code: v.string(),
    description: Text,
    field: Text,
    reason: Text,
  }),
});

const EventEnvelopeSchema = v.looseObject({
  entity: v.literal('event'),
  event: v.string(),
  payload: v.looseObject({}),
});

const entityOf = <S extends v.GenericSchema>(entity: S) => v.looseObject({ entity });
const PaymentPayload = v.looseObject({ payment: entityOf(RzpPaymentSchema) });
const OrderPaidPayload = v.looseObject({ payment: entityOf(RzpPaymentSchema), order: entityOf(RzpOrderSchema) });
const RefundPayload = v.looseObject({
  refund: entityOf(RzpRefundSchema),
  payment: v.optional(entityOf(RzpPaymentSchema)),
});

/**
 * Validates `value`, raising `errorType` on a mismatch: 'gateway-unavailable' for an API response (Razorpay sent
 * something we cannot use), 'validation' for a signed webhook body.
 */
export function parseWith<S extends v.GenericSchema>(
  schema: S,
  value: unknown,
  errorType: 'gateway-unavailable' | 'validation',
  what: string,
): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const path = v.getDotPath(issue) ?? '(root)';
  const message = `expected ${issue.expected ?? 'something else'}, got ${issue.received}`;
  throw new AppError(
    errorType,
    `${what}: unexpected shape at ${path}: ${message}`,
    errorType === 'validation' ? [{ path, message }] : [],
  );
}

export function toCheckoutDetails(order: RzpOrder, keyId: string, checkoutUrlBase: string | null): CheckoutDetails {
  return {
    gateway: 'razorpay',
    keyId,
    gatewayOrderId: order.id,
    checkoutUrl: checkoutUrlBase === null ? null : `${checkoutUrlBase}/${encodeURIComponent(order.id)}`,
  };
}

/** Captured money is money received, even if it has been refunded since (`status: refunded`). */
function isCaptured(p: RzpPayment): boolean {
  return p.captured || p.status === 'captured' || p.status === 'refunded';
}

function failureReason(p: RzpPayment): string | null {
  const description = p.error_description || null;
  const reason = p.error_reason || null;
  if (description && reason) return `${description} (${reason})`;
  return description ?? reason;
}

/**
 * Collapses every payment attempt on an order into one state. Precedence, strongest first:
 *  1. any captured payment → succeeded, with that payment's own amount (the domain compares it with the order, so
 *     a short or excess capture is flagged there, not hidden here). Razorpay can capture twice on one order (a UPI
 *     approval after a retry, a second tab): the earliest is the one that paid it, and every capture is listed so
 *     the others are recorded and refunded.
 *  2. else any authorized payment → processing: money is blocked and capture is due (auto-capture, or Razorpay's
 *     auto-refund after 5 days, which would then show up as a failure/refund, not as success).
 *  3. else any attempt still `created` (or a status we do not know) → processing: the customer is mid-checkout,
 *     e.g. a UPI collect request awaiting their PIN; reporting failure now could race a success.
 *  4. else every attempt failed → failed, with the latest attempt's error (the customer may still retry on the
 *     same order; a later success overrides, which the domain allows as failed → succeeded).
 *  5. no attempts → pending.
 * Razorpay lists newest first; ties in created_at (same second) keep that order.
 */
export function collapsePayments(payments: readonly RzpPayment[]): GatewayPaymentState {
  if (payments.length === 0) return { status: 'pending' };
  const chronological = [...payments].reverse().sort((a, b) => a.created_at - b.created_at);
  const captures = chronological.filter(isCaptured);
  const captured = captures[0];
  if (captured) {
    return {
      status: 'succeeded',
      paymentId: captured.id,
      paid: { amount: captured.amount, currency: captured.currency },
      captures: captures.map((p) => ({ paymentId: p.id, paid: { amount: p.amount, currency: p.currency } })),
    };
  }
  const authorized = chronological.findLast((p) => p.status === 'authorized');
  if (authorized) return { status: 'processing', paymentId: authorized.id };
  const inFlight = chronological.findLast((p) => p.status !== 'failed');
  if (inFlight) return { status: 'processing', paymentId: inFlight.id };
  const latest = chronological[chronological.length - 1]!;
  return { status: 'failed', paymentId: latest.id, reason: failureReason(latest) };
}

/**
 * Our view of a refund. The currency comes from the refund, else from `fallback` (the payment's, or the one we asked
 * to refund in); with neither it is a malformed response.
 */
export function toGatewayRefund(
  refund: RzpRefund,
  errorType: 'gateway-unavailable' | 'validation',
  fallback?: Currency,
  status: RefundStatus = refund.status,
): GatewayRefund {
  const currency = isCurrency(refund.currency) ? refund.currency : fallback;
  if (currency === undefined) {
    throw new AppError(errorType, `razorpay refund ${refund.id}: unusable currency`, [
      { path: 'currency', message: 'missing or unsupported' },
    ]);
  }
  const notes = Array.isArray(refund.notes)
    ? {}
    : Object.fromEntries(Object.entries(refund.notes).filter((e): e is [string, string] => typeof e[1] === 'string'));
  return {
    refundId: refund.id,
    paymentId: refund.payment_id,
    amount: { amount: refund.amount, currency },
    status,
    notes,
  };
}

/** A payment for reconciliation: captured (refunded since or not), failed, or anything else still in flight. */
export function toPaymentRecord(p: RzpPayment & { amount_refunded?: unknown }): GatewayPaymentRecord {
  const refunded = typeof p.amount_refunded === 'number' ? p.amount_refunded : 0;
  return {
    paymentId: p.id,
    gatewayOrderId: p.order_id ?? null,
    amount: { amount: p.amount, currency: p.currency },
    status: isCaptured(p) ? 'captured' : p.status === 'failed' ? 'failed' : 'in-flight',
    refunded: { amount: refunded, currency: p.currency },
    createdAt: new Date(p.created_at * 1000),
  };
}

export function toRefundRecord(r: RzpRefund & { created_at: number }): GatewayRefundRecord {
  return { ...toGatewayRefund(r, 'gateway-unavailable', 'INR'), createdAt: new Date(r.created_at * 1000) };
}

export function toSettlementLine(
  line: v.InferOutput<typeof RzpReconCollectionSchema>['items'][number],
): SettlementLine {
  const type = line.type === 'payment' || line.type === 'refund' ? line.type : 'other';
  return {
    entityId: line.entity_id,
    type,
    amount: { amount: line.amount, currency: line.currency },
    fee: line.fee ?? 0,
    paymentId: line.payment_id ?? null,
    gatewayOrderId: line.order_id ?? null,
    settledAt: typeof line.settled_at === 'number' ? new Date(line.settled_at * 1000) : null,
  };
}

/** The Razorpay error in a 4xx body, for an error detail; never the request (which carries no secret anyway). */
export function describeRazorpayError(body: unknown): string {
  const parsed = v.safeParse(RzpErrorSchema, body);
  if (!parsed.success) return 'no Razorpay error body';
  const { code, description, field, reason } = parsed.output.error;
  return [code, description, field ? `field ${field}` : null, reason && reason !== 'NA' ? `reason ${reason}` : null]
    .filter((part): part is string => Boolean(part))
    .join(': ');
}

/** Razorpay events we act on; everything else is acknowledged as unsupported. */
export const HANDLED_EVENTS = [
  'payment.authorized',
  'payment.captured',
  'payment.failed',
  'order.paid',
  'refund.created',
  'refund.processed',
  'refund.failed',
] as const;
export type HandledEvent = (typeof HANDLED_EVENTS)[number];

function isHandled(type: string): type is HandledEvent {
  return (HANDLED_EVENTS as readonly string[]).includes(type);
}

function assertNever(value: never): never {
  throw new Error(`unhandled razorpay event ${String(value)}`);
}

/**
 * Maps a verified webhook body to what the product acts on: the one place a Razorpay event type becomes one of ours.
 * A handled event whose payload lacks what it should carry is a validation error (signed, so Razorpay sent it, but
 * unusable); an event type we do not handle is `unsupported`, never an error.
 */
export function toGatewayWebhook(body: unknown, eventId: string): GatewayWebhook {
  const what = 'razorpay webhook';
  const envelope = parseWith(EventEnvelopeSchema, body, 'validation', what);
  const eventType = envelope.event;
  if (!isHandled(eventType)) return { kind: 'unsupported', eventId, eventType };

  const paymentObservation = (payment: RzpPayment, observation: PaymentObservation): GatewayWebhook =>
    // A payment made without an order (not something this product creates) has nothing of ours to update.
    payment.order_id
      ? { kind: 'payment', eventId, eventType, gatewayOrderId: payment.order_id, observation }
      : { kind: 'unsupported', eventId, eventType };

  switch (eventType) {
    case 'payment.authorized': {
      const { payment } = parseWith(PaymentPayload, envelope.payload, 'validation', what);
      return paymentObservation(payment.entity, {
        status: 'processing',
        source: 'webhook',
        paymentId: payment.entity.id,
      });
    }
    case 'payment.captured': {
      const p = parseWith(PaymentPayload, envelope.payload, 'validation', what).payment.entity;
      return paymentObservation(p, {
        status: 'succeeded',
        source: 'webhook',
        paymentId: p.id,
        paid: { amount: p.amount, currency: p.currency },
      });
    }
    case 'payment.failed': {
      const p = parseWith(PaymentPayload, envelope.payload, 'validation', what).payment.entity;
      const reason = failureReason(p);
      return paymentObservation(p, {
        status: 'failed',
        source: 'webhook',
        paymentId: p.id,
        ...(reason ? { reason } : {}),
      });
    }
    case 'order.paid': {
      const { payment, order } = parseWith(OrderPaidPayload, envelope.payload, 'validation', what);
      const p = payment.entity;
      return {
        kind: 'payment',
        eventId,
        eventType,
        gatewayOrderId: order.entity.id,
        observation: {
          status: 'succeeded',
          source: 'webhook',
          paymentId: p.id,
          paid: { amount: p.amount, currency: p.currency },
        },
      };
    }
    case 'refund.created':
    case 'refund.processed':
    case 'refund.failed': {
      const { refund, payment } = parseWith(RefundPayload, envelope.payload, 'validation', what);
      // The event names the transition; the entity is a snapshot that, for refund.created, may already be processed.
      const status: RefundStatus =
        eventType === 'refund.processed'
          ? 'processed'
          : eventType === 'refund.failed'
            ? 'failed'
            : refund.entity.status;
      return {
        kind: 'refund',
        eventId,
        eventType,
        refund: toGatewayRefund(refund.entity, 'validation', payment?.entity.currency, status),
      };
    }
    default:
      return assertNever(eventType);
  }
}
