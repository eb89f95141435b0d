import type { Money } from '../domain/money.ts';
import type { PaymentObservation } from '../domain/order.ts';
import type { GatewayName } from '../domain/payment-types.ts';

/**
 * One provider interface, a method per lifecycle step (after Medusa's payment module). Vendor states are collapsed
 * into the closed unions below by each adapter's transformers, in one exhaustive switch.
 */
export interface CheckoutDetails {
  readonly gateway: GatewayName;
  /** Public key id the app's checkout is opened with (Razorpay `key`). */
  readonly keyId: string;
  readonly gatewayOrderId: string;
  /** A hosted checkout page where the gateway has one (the sandbox does); null where the app opens the SDK itself. */
  readonly checkoutUrl: string | null;
}

/** One captured payment of a gateway order. */
export interface GatewayCapture {
  readonly paymentId: string;
  readonly paid: Money;
}

/** The payment status of a gateway order, collapsed from all its payment attempts. */
export type GatewayPaymentState =
  | { readonly status: 'pending' }
  | { readonly status: 'processing'; readonly paymentId: string }
  | {
      readonly status: 'succeeded';
      readonly paymentId: string;
      readonly paid: Money;
      /** Every captured payment on the order, oldest first (the first is `paymentId`): a second one is refunded. */
      readonly captures: readonly GatewayCapture[];
    }
  | { readonly status: 'failed'; readonly paymentId: string; readonly reason: string | null };

export type RefundStatus = 'pending' | 'processed' | 'failed';

export interface GatewayRefund {
  readonly refundId: string;
  readonly paymentId: string;
  readonly amount: Money;
  readonly status: RefundStatus;
  /** What we attached at creation (`orderId`, `refundId`), so a refund webhook finds its order. */
  readonly notes: Readonly<Record<string, string>>;
}

/** A verified webhook, reduced to what the product acts on; `createdAt` is when the gateway created the event. */
export type GatewayWebhook = { readonly createdAt?: string } & (
  | {
      readonly kind: 'payment';
      readonly eventId: string;
      readonly eventType: string;
      readonly gatewayOrderId: string;
      readonly observation: PaymentObservation;
    }
  | {
      readonly kind: 'refund';
      readonly eventId: string;
      readonly eventType: string;
      readonly refund: GatewayRefund;
    }
  /** Signed correctly but of a type we do not handle: acknowledged, not acted on. */
  | { readonly kind: 'unsupported'; readonly eventId: string; readonly eventType: string }
);

export interface CreateGatewayOrderInput {
  readonly amount: Money;
  /** Our order id; Razorpay keeps it as `receipt` (at most 40 chars). */
  readonly receipt: string;
  readonly notes: Readonly<Record<string, string>>;
}

/** One page of a gateway list: created in [from, to], `count` items after skipping `skip`. */
export interface GatewayListPage {
  readonly from: Date;
  readonly to: Date;
  readonly count: number;
  readonly skip: number;
}

/** A payment as the gateway's books have it, for reconciliation. */
export interface GatewayPaymentRecord {
  readonly paymentId: string;
  readonly gatewayOrderId: string | null;
  readonly amount: Money;
  /** Captured (money received, refunded since or not), failed, or still in flight. */
  readonly status: 'captured' | 'failed' | 'in-flight';
  readonly refunded: Money;
  readonly createdAt: Date;
}

/** A refund as the gateway's books have it, with when it was made. */
export interface GatewayRefundRecord extends GatewayRefund {
  readonly createdAt: Date;
}

/** One line of the gateway's settlement report: money settled to (credit) or taken from (debit) the merchant. */
export interface SettlementLine {
  readonly entityId: string;
  readonly type: 'payment' | 'refund' | 'other';
  readonly amount: Money;
  readonly fee: number;
  /** For a refund: the payment it refunds. */
  readonly paymentId: string | null;
  readonly gatewayOrderId: string | null;
  readonly settledAt: Date | null;
}

export interface PaymentGateway {
  readonly name: GatewayName;
  createOrder(input: CreateGatewayOrderInput): Promise<CheckoutDetails>;
  /** Asks the gateway for the order's payments and collapses them into one state. */
  fetchPaymentState(gatewayOrderId: string): Promise<GatewayPaymentState>;
  /** The checkout's callback signature (Razorpay: HMAC-SHA256 of `order_id|payment_id` with the key secret). */
  verifyCheckoutSignature(input: { gatewayOrderId: string; paymentId: string; signature: string }): boolean;
  /**
   * Verifies the signature over the raw body and maps the event. Returns null when the signature is missing or wrong
   * (the caller answers 401 and changes nothing); throws AppError('validation') for a signed but unparsable body.
   */
  parseWebhook(rawBody: string, headers: Readonly<Record<string, string | undefined>>): GatewayWebhook | null;
  /** `idempotencyKey` is stable per intended refund, so a retried call never refunds twice. */
  createRefund(input: {
    paymentId: string;
    amount: Money;
    idempotencyKey: string;
    notes?: Record<string, string>;
  }): Promise<GatewayRefund>;
  fetchRefund(refundId: string, paymentId: string): Promise<GatewayRefund>;
  /** A page of the payments created in a period (reconciliation). */
  listPayments(page: GatewayListPage): Promise<readonly GatewayPaymentRecord[]>;
  /** A page of the refunds created in a period (reconciliation). */
  listRefunds(page: GatewayListPage): Promise<readonly GatewayRefundRecord[]>;
  /** A page of the settlement report of one day (the gateway's calendar day). */
  settlementReport(
    day: { readonly year: number; readonly month: number; readonly day: number },
    page: { readonly count: number; readonly skip: number },
  ): Promise<readonly SettlementLine[]>;
}
