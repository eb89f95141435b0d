import type { Clock } from '../../shared/ports/clock.ts';
import type { Notes, RefundStatus, RzpOrder, RzpPayment, RzpRefund } from './entities.ts';
import { badRequest, unknownId } from './razorpay-errors.ts';
import type { WebhookMode } from './webhook-sender.ts';

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
   */
  pay(orderId: string, outcome: 'success' | 'failure', amount?: number): { order: RzpOrder; payment: RzpPayment } {
    const order = this.order(orderId);
    if (order.status === 'paid') throw badRequest('Order has already been paid', 'order_id');
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
      order.amount_paid = payment.amount;
      order.amount_due = Math.max(0, order.amount - payment.amount);
    } else {
      order.status = 'attempted';
    }
    return { order, payment };
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
