import type { Clock } from '../../shared/ports/clock.ts';
import type { Notes, RefundStatus, RzpOrder, RzpPayment, RzpRefund } from './entities.ts';
import { badRequest, unknownId } from './razorpay-errors.ts';
import type { WebhookMode } from './webhook-sender.ts';

/** India has one time zone and no daylight saving: a business day is [00:00, 24:00) at UTC+05:30. */
const IST_OFFSET_SECONDS = 19_800;

/** Razorpay's list filters: `from`/`to` in unix seconds (inclusive), `count` (1–100) and `skip`. */
export interface ListRange {
  readonly from?: number;
  readonly to?: number;
  readonly count: number;
  readonly skip: number;
}

function page<T extends { created_at: number }>(all: T[], range: ListRange): T[] {
  return all
    .filter(
      (e) =>
        (range.from === undefined || e.created_at >= range.from) &&
        (range.to === undefined || e.created_at <= range.to),
    )
    .reverse()
    .slice(range.skip, range.skip + range.count);
}

/** One line of Razorpay's settlement recon (`GET /v1/settlements/recon/combined`). */
export interface ReconItem {
  entity_id: string;
  type: 'payment' | 'refund';
  debit: number;
  credit: number;
  amount: number;
  currency: 'INR';
  fee: number;
  tax: number;
  on_hold: boolean;
  settled: boolean;
  created_at: number;
  settled_at: number;
  settlement_id: string;
  posted_at: null;
  credit_type: 'default';
  description: string | null;
  notes: string;
  payment_id: string | null;
  settlement_utr: string;
  order_id: string | null;
  order_receipt: string | null;
  method: string | null;
  card_network: null;
  card_issuer: null;
  card_type: null;
  dispute_id: null;
}

/** How the sandbox settles the refunds created from now on for one payment (set through the control API). */
export interface RefundBehaviour {
  readonly outcome: Exclude<RefundStatus, 'pending'>;
  readonly webhook: WebhookMode;
}

export const DEFAULT_REFUND_BEHAVIOUR: RefundBehaviour = { outcome: 'processed', webhook: 'deliver' };

export interface CreateOrderInput {
  readonly amount: number;
  readonly currency: 'INR';
  readonly receipt: string | null;
  readonly notes: Notes;
}

export interface CreateRefundInput {
  readonly amount?: number;
  readonly notes: Notes;
  readonly receipt: string | null;
  readonly speed: 'normal' | 'optimum';
}

/**
 * The sandbox's books: orders, payments and refunds, with Razorpay's rules for how each moves. No I/O here; the app
 * turns changes into responses and webhooks. Every failure is a SandboxError in Razorpay's shape.
 */
export class Ledger {
  private readonly orders = new Map<string, RzpOrder>();
  private readonly payments = new Map<string, RzpPayment>();
  private readonly refunds = new Map<string, RzpRefund>();
  /** Refund idempotency keys (`X-Refund-Idempotency`), account-wide, with the request each was first used for. */
  private readonly refundKeys = new Map<string, { refundId: string; fingerprint: string }>();
  private readonly behaviours = new Map<string, RefundBehaviour>();
  /** The behaviour each refund was created under, so a later change only affects later refunds. */
  private readonly refundPlans = new Map<string, RefundBehaviour>();

  constructor(
    private readonly clock: Clock,
    private readonly ids: () => string,
  ) {}

  private now(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }

  createOrder(input: CreateOrderInput): RzpOrder {
    const order: RzpOrder = {
      id: `order_${this.ids()}`,
      entity: 'order',
      amount: input.amount,
      amount_paid: 0,
      amount_due: input.amount,
      currency: input.currency,
      receipt: input.receipt,
      offer_id: null,
      status: 'created',
      attempts: 0,
      notes: { ...input.notes },
      created_at: this.now(),
    };
    this.orders.set(order.id, order);
    return order;
  }

  findOrder(id: string): RzpOrder | undefined {
    return this.orders.get(id);
  }

  order(id: string): RzpOrder {
    const order = this.orders.get(id);
    if (!order) throw unknownId();
    return order;
  }

  payment(id: string): RzpPayment {
    const payment = this.payments.get(id);
    if (!payment) throw unknownId();
    return payment;
  }

  refund(id: string): RzpRefund {
    const refund = this.refunds.get(id);
    if (!refund) throw unknownId();
    return refund;
  }

  /** Newest first, as Razorpay lists them. */
  paymentsOf(orderId: string): RzpPayment[] {
    this.order(orderId);
    return [...this.payments.values()].filter((p) => p.order_id === orderId).reverse();
  }

  /**
   * One checkout attempt. Success is auto-captured (the default Razorpay account setting), so the payment goes
   * straight to `captured` and the order to `paid`; failure leaves the order `attempted` for another try, as
   * Razorpay allows. `amount` lets a test pay something other than the order amount, which real checkout forbids.
   * An order that is already paid (or whose payment was refunded) can be paid again: Razorpay captures a second
   * payment on one order when a UPI approval arrives after a retry, or a second tab pays, so the sandbox does too.
   */
  pay(orderId: string, outcome: 'success' | 'failure', amount?: number): { order: RzpOrder; payment: RzpPayment } {
    const order = this.order(orderId);
    const paid = outcome === 'success';
    const payment: RzpPayment = {
      id: `pay_${this.ids()}`,
      entity: 'payment',
      amount: amount ?? order.amount,
      currency: order.currency,
      status: paid ? 'captured' : 'failed',
      order_id: order.id,
      invoice_id: null,
      international: false,
      method: 'upi',
      amount_refunded: 0,
      refund_status: null,
      captured: paid,
      description: null,
      card_id: null,
      bank: null,
      wallet: null,
      // Razorpay's test-mode VPAs and contact details: never a real person's.
      vpa: paid ? 'success@razorpay' : 'failure@razorpay',
      email: 'void@razorpay.com',
      contact: '+919000090000',
      notes: { ...order.notes },
      fee: paid ? Math.round((amount ?? order.amount) * 0.02) : null,
      tax: paid ? Math.round((amount ?? order.amount) * 0.02 * 0.18) : null,
      error_code: paid ? null : 'BAD_REQUEST_ERROR',
      error_description: paid ? null : 'Payment was declined by the customer in the UPI app.',
      error_source: paid ? null : 'customer',
      error_step: paid ? null : 'payment_authorization',
      error_reason: paid ? null : 'payment_declined',
      acquirer_data: { rrn: null },
      created_at: this.now(),
    };
    this.payments.set(payment.id, payment);
    order.attempts += 1;
    if (paid) {
      order.status = 'paid';
      order.amount_paid += payment.amount;
      order.amount_due = Math.max(0, order.amount - order.amount_paid);
    } else if (order.status !== 'paid') {
      order.status = 'attempted';
    }
    return { order, payment };
  }

  /** Payments created in [from, to] (unix seconds, inclusive), newest first, a page of them. */
  listPayments(range: ListRange): RzpPayment[] {
    return page([...this.payments.values()], range);
  }

  /** Refunds created in [from, to], newest first, a page of them. */
  listRefunds(range: ListRange): RzpRefund[] {
    return page([...this.refunds.values()], range);
  }

  /**
   * The settlement recon of one day (or month) in IST: every capture and every processed refund of that day, each
   * settled the same day, since the sandbox has no bank to wait for. Captures credit their amount less the fee;
   * refunds debit theirs.
   */
  recon(period: { year: number; month: number; day?: number }, count: number, skip: number): ReconItem[] {
    const start = Date.UTC(period.year, period.month - 1, period.day ?? 1) / 1000 - IST_OFFSET_SECONDS;
    const end =
      (period.day === undefined
        ? Date.UTC(period.year, period.month, 1) / 1000
        : Date.UTC(period.year, period.month - 1, period.day + 1) / 1000) - IST_OFFSET_SECONDS;
    const within = (t: number) => t >= start && t < end;
    const settlementId = `setl_${String(period.year)}${String(period.month).padStart(2, '0')}${String(period.day ?? 0).padStart(2, '0')}`;
    const items: ReconItem[] = [];
    for (const p of this.payments.values()) {
      if (!p.captured || !within(p.created_at)) continue;
      const order = this.orders.get(p.order_id);
      items.push({
        entity_id: p.id,
        type: 'payment',
        debit: 0,
        credit: p.amount - (p.fee ?? 0),
        amount: p.amount,
        currency: p.currency,
        fee: p.fee ?? 0,
        tax: p.tax ?? 0,
        on_hold: false,
        settled: true,
        created_at: p.created_at,
        settled_at: end - 1,
        settlement_id: settlementId,
        posted_at: null,
        credit_type: 'default',
        description: null,
        notes: JSON.stringify(p.notes),
        payment_id: null,
        settlement_utr: `${settlementId}utr`,
        order_id: p.order_id,
        order_receipt: order?.receipt ?? null,
        method: p.method,
        card_network: null,
        card_issuer: null,
        card_type: null,
        dispute_id: null,
      });
    }
    for (const r of this.refunds.values()) {
      if (r.status !== 'processed' || !within(r.created_at)) continue;
      const payment = this.payments.get(r.payment_id);
      items.push({
        entity_id: r.id,
        type: 'refund',
        debit: r.amount,
        credit: 0,
        amount: r.amount,
        currency: r.currency,
        fee: 0,
        tax: 0,
        on_hold: false,
        settled: true,
        created_at: r.created_at,
        settled_at: end - 1,
        settlement_id: settlementId,
        posted_at: null,
        credit_type: 'default',
        description: null,
        notes: JSON.stringify(r.notes),
        payment_id: r.payment_id,
        settlement_utr: `${settlementId}utr`,
        order_id: payment?.order_id ?? null,
        order_receipt: null,
        method: payment?.method ?? null,
        card_network: null,
        card_issuer: null,
        card_type: null,
        dispute_id: null,
      });
    }
    items.sort((a, b) => a.created_at - b.created_at || a.entity_id.localeCompare(b.entity_id));
    return items.slice(skip, skip + count);
  }

  setRefundBehaviour(paymentId: string, behaviour: RefundBehaviour): void {
    this.payment(paymentId);
    this.behaviours.set(paymentId, behaviour);
  }

  /** How a refund will settle: fixed when it was created. */
  refundPlan(refundId: string): RefundBehaviour {
    return this.refundPlans.get(refundId) ?? DEFAULT_REFUND_BEHAVIOUR;
  }

  /**
   * A new refund, `pending` until settled. With an idempotency key already used for the same request, the refund
   * made then comes back (`created: false`) in its current state; the same key with a different request is refused
   * with Razorpay's message. The amount counts against the payment from creation, as Razorpay does.
   */
  createRefund(
    paymentId: string,
    input: CreateRefundInput,
    idempotencyKey: string | null,
  ): { refund: RzpRefund; payment: RzpPayment; created: boolean } {
    const fingerprint = JSON.stringify([paymentId, input.amount ?? null, input.notes, input.receipt, input.speed]);
    if (idempotencyKey !== null) {
      const seen = this.refundKeys.get(idempotencyKey);
      if (seen) {
        if (seen.fingerprint !== fingerprint) {
          throw badRequest('Different request with the same idempotency key has already been processed.');
        }
        const refund = this.refund(seen.refundId);
        return { refund, payment: this.payment(refund.payment_id), created: false };
      }
    }
    const payment = this.payment(paymentId);
    if (!payment.captured) throw badRequest('Only captured payments can be refunded', 'payment_id');
    const remaining = payment.amount - payment.amount_refunded;
    const amount = input.amount ?? remaining;
    if (remaining <= 0) throw badRequest('The payment has been fully refunded already', 'payment_id');
    if (amount > remaining) throw badRequest('The refund amount provided is greater than amount captured', 'amount');
    const refund: RzpRefund = {
      id: `rfnd_${this.ids()}`,
      entity: 'refund',
      amount,
      currency: payment.currency,
      payment_id: payment.id,
      notes: { ...input.notes },
      receipt: input.receipt,
      acquirer_data: { arn: null },
      created_at: this.now(),
      batch_id: null,
      status: 'pending',
      speed_processed: null,
      speed_requested: input.speed,
    };
    this.refunds.set(refund.id, refund);
    this.refundPlans.set(refund.id, this.behaviours.get(payment.id) ?? DEFAULT_REFUND_BEHAVIOUR);
    if (idempotencyKey !== null) this.refundKeys.set(idempotencyKey, { refundId: refund.id, fingerprint });
    this.adjustRefunded(payment, amount);
    return { refund, payment, created: true };
  }

  /** Settles a pending refund; a failed one gives its amount back to the payment, so it can be refunded again. */
  settleRefund(refundId: string, outcome: RefundBehaviour['outcome']): { refund: RzpRefund; payment: RzpPayment } {
    const refund = this.refund(refundId);
    if (refund.status !== 'pending') throw badRequest(`The refund is already ${refund.status}`, 'id');
    const payment = this.payment(refund.payment_id);
    refund.status = outcome;
    if (outcome === 'processed') refund.speed_processed = 'normal';
    else this.adjustRefunded(payment, -refund.amount);
    return { refund, payment };
  }

  private adjustRefunded(payment: RzpPayment, delta: number): void {
    payment.amount_refunded += delta;
    const full = payment.amount_refunded >= payment.amount;
    payment.refund_status = payment.amount_refunded === 0 ? null : full ? 'full' : 'partial';
    payment.status = full ? 'refunded' : 'captured';
  }
}
