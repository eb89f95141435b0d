import type * as v from 'valibot';
import { AppError } from '../../../domain/errors.ts';
import type { Money } from '../../../domain/money.ts';
import type {
  CheckoutDetails,
  CreateGatewayOrderInput,
  GatewayListPage,
  GatewayPaymentRecord,
  GatewayPaymentState,
  GatewayRefund,
  GatewayRefundRecord,
  GatewayWebhook,
  PaymentGateway,
  SettlementLine,
} from '../../../ports/payment-gateway.ts';
import { sha256Hex, verifyCheckoutSignature, verifyWebhookSignature } from './signatures.ts';
import {
  collapsePayments,
  describeRazorpayError,
  parseWith,
  RzpOrderSchema,
  RzpPaymentCollectionSchema,
  RzpPaymentSchema,
  RzpReconCollectionSchema,
  RzpRefundCollectionSchema,
  RzpRefundSchema,
  toCheckoutDetails,
  toGatewayRefund,
  toGatewayWebhook,
  toPaymentRecord,
  toRefundRecord,
  toSettlementLine,
} from './transformers.ts';

export interface RazorpayGatewayOptions {
  /** Public key id (`rzp_live_…` / `rzp_test_…`); also handed to the app's checkout. */
  readonly keyId: string;
  /** API key secret: Basic auth and checkout signatures. Never logged, never in an error. */
  readonly keySecret: string;
  /** The secret webhooks are signed with (set on the Razorpay dashboard; not the key secret). */
  readonly webhookSecret: string;
  /** The secret being rotated out: during a rotation window a webhook signed with either verifies. */
  readonly previousWebhookSecret?: string | null;
  /** `https://api.razorpay.com`, or the sandbox gateway's URL. */
  readonly baseUrl: string;
  /** A hosted checkout page to link to (`${base}/${orderId}`); the sandbox has one, real Razorpay does not. */
  readonly checkoutUrlBase?: string | null;
  readonly fetch?: typeof fetch;
  /** Per request; a timeout counts as the gateway being unavailable. Default 10 000. */
  readonly timeoutMs?: number;
}

/** Razorpay documents refund idempotency keys as ≥ 10 characters of letters, digits, `-` and `_`. */
const REFUND_KEY = /^[A-Za-z0-9_-]{10,64}$/;

/**
 * Our key as Razorpay accepts it: as is when it already fits, else its SHA-256 (64 hex characters, so it fits too).
 * Deterministic, so a retry of the same refund sends the same key.
 */
export function refundIdempotencyKey(key: string): string {
  return REFUND_KEY.test(key) ? key : sha256Hex(key);
}

/**
 * Razorpay over plain `fetch`. Failures reaching Razorpay (network, timeout, 5xx, 401, 429) raise
 * AppError('gateway-unavailable'): "the gateway did not do it, try again". A request Razorpay refuses as bad (400)
 * raises AppError('upstream-failed'): trying the same again is refused again. The detail carries Razorpay's own error
 * code and description for a refusal. Secrets never appear in a detail.
 */
export class RazorpayGateway implements PaymentGateway {
  readonly name = 'razorpay' as const;
  private readonly baseUrl: string;
  private readonly checkoutUrlBase: string | null;
  private readonly authorization: string;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;

  constructor(private readonly options: RazorpayGatewayOptions) {
    for (const key of ['keyId', 'keySecret', 'webhookSecret', 'baseUrl'] as const) {
      if (!options[key]) throw new Error(`RazorpayGateway: ${key} is required`);
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.checkoutUrlBase = options.checkoutUrlBase ? options.checkoutUrlBase.replace(/\/+$/, '') : null;
    this.authorization = `Basic ${Buffer.from(`${options.keyId}:${options.keySecret}`).toString('base64')}`;
    this.fetchFn = options.fetch ?? globalThis.fetch;
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  async createOrder(input: CreateGatewayOrderInput): Promise<CheckoutDetails> {
    const order = await this.call('POST', '/v1/orders', RzpOrderSchema, {
      body: {
        amount: input.amount.amount,
        currency: input.amount.currency,
        receipt: input.receipt,
        notes: input.notes,
      },
    });
    if (order.amount !== input.amount.amount || order.currency !== input.amount.currency) {
      throw new AppError('gateway-unavailable', `razorpay order ${order.id} came back with a different amount`);
    }
    return toCheckoutDetails(order, this.options.keyId, this.checkoutUrlBase);
  }

  async fetchPaymentState(gatewayOrderId: string): Promise<GatewayPaymentState> {
    const path = `/v1/orders/${encodeURIComponent(gatewayOrderId)}/payments`;
    const collection = await this.call('GET', path, RzpPaymentCollectionSchema);
    return collapsePayments(collection.items);
  }

  verifyCheckoutSignature(input: { gatewayOrderId: string; paymentId: string; signature: string }): boolean {
    return verifyCheckoutSignature(this.options.keySecret, input);
  }

  parseWebhook(rawBody: string, headers: Readonly<Record<string, string | undefined>>): GatewayWebhook | null {
    const header = (name: string) => Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1];
    const signature = header('x-razorpay-signature');
    const secrets = [this.options.webhookSecret, this.options.previousWebhookSecret].filter((x): x is string => !!x);
    if (!secrets.some((secret) => verifyWebhookSignature(secret, rawBody, signature))) return null;
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      throw new AppError('validation', 'razorpay webhook: signed body is not JSON', [
        { path: '(body)', message: 'not JSON' },
      ]);
    }
    // Razorpay keeps X-Razorpay-Event-Id across retries. Without it, a retry resends the same bytes, so a digest of
    // the body still names the event the same way each time.
    const eventId = header('x-razorpay-event-id')?.trim() || `body-sha256:${sha256Hex(rawBody)}`;
    const webhook = toGatewayWebhook(body, eventId);
    // when the gateway created the event (unix seconds): a replay of an old, validly signed event is told apart by it
    const createdAt = (body as { created_at?: unknown }).created_at;
    return typeof createdAt === 'number' && Number.isFinite(createdAt)
      ? { ...webhook, createdAt: new Date(createdAt * 1000).toISOString() }
      : webhook;
  }

  /**
   * Sent with Razorpay's documented `X-Refund-Idempotency` header: a retry with the same key and body returns the
   * refund made the first time instead of refunding twice. (A retry racing the first call may get a 409, which
   * surfaces as gateway-unavailable: retry again later.)
   */
  async createRefund(input: {
    paymentId: string;
    amount: Money;
    idempotencyKey: string;
    notes?: Record<string, string>;
  }): Promise<GatewayRefund> {
    const refund = await this.call(
      'POST',
      `/v1/payments/${encodeURIComponent(input.paymentId)}/refund`,
      RzpRefundSchema,
      {
        body: { amount: input.amount.amount, ...(input.notes ? { notes: input.notes } : {}) },
        headers: { 'X-Refund-Idempotency': refundIdempotencyKey(input.idempotencyKey) },
      },
    );
    if (refund.payment_id !== input.paymentId) {
      throw new AppError('gateway-unavailable', `razorpay refund ${refund.id} belongs to another payment`);
    }
    return toGatewayRefund(refund, 'gateway-unavailable', input.amount.currency);
  }

  async fetchRefund(refundId: string, paymentId: string): Promise<GatewayRefund> {
    const payment = encodeURIComponent(paymentId);
    const refund = await this.call(
      'GET',
      `/v1/payments/${payment}/refunds/${encodeURIComponent(refundId)}`,
      RzpRefundSchema,
    );
    // A refund without a usable currency takes its payment's; one extra call, only in that odd case.
    const fallback =
      refund.currency && refund.currency.length > 0
        ? undefined
        : (await this.call('GET', `/v1/payments/${payment}`, RzpPaymentSchema)).currency;
    return toGatewayRefund(refund, 'gateway-unavailable', fallback);
  }

  async listPayments(page: GatewayListPage): Promise<readonly GatewayPaymentRecord[]> {
    const collection = await this.call('GET', `/v1/payments?${listQuery(page)}`, RzpPaymentCollectionSchema);
    return collection.items.map(toPaymentRecord);
  }

  async listRefunds(page: GatewayListPage): Promise<readonly GatewayRefundRecord[]> {
    const collection = await this.call('GET', `/v1/refunds?${listQuery(page)}`, RzpRefundCollectionSchema);
    return collection.items.map(toRefundRecord);
  }

  async settlementReport(
    day: { readonly year: number; readonly month: number; readonly day: number },
    page: { readonly count: number; readonly skip: number },
  ): Promise<readonly SettlementLine[]> {
    const query = new URLSearchParams({
      year: String(day.year),
      month: String(day.month),
      day: String(day.day),
      count: String(page.count),
      skip: String(page.skip),
    });
    const collection = await this.call('GET', `/v1/settlements/recon/combined?${query}`, RzpReconCollectionSchema);
    return collection.items.map(toSettlementLine);
  }

  private async call<S extends v.GenericSchema>(
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    request: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<v.InferOutput<S>> {
    const what = `razorpay ${method} ${path}`;
    let status: number;
    let text: string;
    // Our own timer rather than AbortSignal.timeout(), whose unref'd timer lets a process with nothing else to do
    // exit mid-request instead of timing out. It covers reading the body too.
    const controller = new AbortController();
    const timer = setTimeout(
      () => controller.abort(new DOMException('razorpay request timed out', 'TimeoutError')),
      this.timeoutMs,
    );
    try {
      const res = await this.fetchFn(`${this.baseUrl}${path}`, {
        method,
        headers: {
          Authorization: this.authorization,
          Accept: 'application/json',
          ...(request.body === undefined ? {} : { 'Content-Type': 'application/json' }),
          ...request.headers,
        },
        ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
        signal: controller.signal,
      });
      status = res.status;
      text = await res.text();
    } catch (err) {
      throw new AppError('gateway-unavailable', this.scrub(`${what} failed: ${this.describeFailure(err)}`));
    } finally {
      clearTimeout(timer);
    }
    if (status >= 500) throw new AppError('gateway-unavailable', `${what}: Razorpay answered ${status}`);
    const json = parseJson(text);
    if (status < 200 || status >= 300) {
      // 400 is Razorpay refusing this request for good (the same request is refused again); anything else (401 while
      // keys are being fixed, 429 rate limits) may pass later
      throw new AppError(
        status === 400 ? 'upstream-failed' : 'gateway-unavailable',
        this.scrub(`${what}: Razorpay refused (${status}) ${describeRazorpayError(json)}`),
      );
    }
    if (json === undefined) throw new AppError('gateway-unavailable', `${what}: response is not JSON`);
    return parseWith(schema, json, 'gateway-unavailable', what);
  }

  private describeFailure(err: unknown): string {
    if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
      return `no answer within ${this.timeoutMs} ms`;
    }
    return err instanceof Error ? `${err.name}: ${err.message}` : 'network error';
  }

  /** Belt and braces: whatever a lower layer put in an error message, our secrets do not leave in it. */
  private scrub(message: string): string {
    const credentials = this.authorization.slice('Basic '.length);
    return [this.options.keySecret, this.options.webhookSecret, credentials].reduce(
      (out, secret) => out.replaceAll(secret, '[redacted]'),
      message,
    );
  }
}

/** Razorpay's list filters: unix seconds, inclusive at both ends; count at most 100. */
function listQuery(page: GatewayListPage): string {
  return new URLSearchParams({
    from: String(Math.floor(page.from.getTime() / 1000)),
    to: String(Math.floor(page.to.getTime() / 1000)),
    count: String(Math.min(100, page.count)),
    skip: String(page.skip),
  }).toString();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
