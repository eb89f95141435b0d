import { type Context, Hono } from 'hono';
import { bodyLimit } from '../../shared/http/body-limit.ts';
import type { Clock } from '../../shared/ports/clock.ts';
import type { Logger } from '../../shared/ports/logger.ts';
import { checkoutNotFoundPage, checkoutPage } from './checkout-page.ts';
import { orderView, paymentView, type RzpPayment, type RzpRefund, refundView } from './entities.ts';
import { InFlight } from './in-flight.ts';
import { Ledger, type RefundBehaviour } from './ledger.ts';
import { randomId14 } from './random-id.ts';
import { authFailed, badRequest, plainError, routeNotFound, SandboxError } from './razorpay-errors.ts';
import {
  CreateOrderBody,
  CreateRefundBody,
  IDEMPOTENCY_KEY,
  ListQuery,
  PayBody,
  parseBody,
  ReconQuery,
  RefundBehaviourBody,
  SettleRefundBody,
} from './request-schemas.ts';
import { checkoutSignature, safeEqual } from './signing.ts';
import { type OutgoingEvent, type WebhookMode, WebhookSender } from './webhook-sender.ts';

export interface SandboxGatewayDeps {
  readonly keyId: string;
  readonly keySecret: string;
  readonly webhookSecret: string;
  /** Where webhooks go; null sends none (they are logged as skipped). */
  readonly webhookUrl: string | null;
  readonly clock: Clock;
  /** The 14 characters after an id's prefix; inject a seeded source to replay a run. Default: crypto-random. */
  readonly ids?: () => string;
  /** Delivers webhooks. Default: the global fetch. */
  readonly fetch?: typeof fetch;
  readonly logger?: Logger;
  /** Pending refunds settle by themselves after this long; null: only through the control API. Default 1000. */
  readonly refundAutoSettleMs?: number | null;
  /** Pause before each webhook retry; the length bounds the retries. Default [200, 1000, 3000]. */
  readonly webhookRetryDelaysMs?: readonly number[];
  /** Pause before a webhook is first sent (default 0: at once). */
  readonly webhookDelayMs?: number;
  /** Per-attempt webhook timeout. Default 5000. */
  readonly webhookTimeoutMs?: number;
}

export interface SandboxGateway {
  readonly app: Hono;
  /** Resolves when every webhook delivery (with its retries) and refund timer in flight has finished. */
  settle(): Promise<void>;
  /** Cancels pending refund timers, for shutdown; deliveries already started finish on their own. */
  close(): void;
}

const MAX_BODY_CHARS = 64 * 1024;

const SILENT: Logger = {
  log: () => undefined,
  child: () => SILENT,
};

/**
 * A fake Razorpay speaking the subset of its API the product uses (orders, payments, refunds, webhooks, checkout
 * signatures), so that locally the real Razorpay adapter is what runs. Plus a control API, unauthenticated and
 * sandbox-only, that plays the customer at checkout and the bank behind refunds.
 */
export function createSandboxGateway(deps: SandboxGatewayDeps): SandboxGateway {
  const logger = deps.logger ?? SILENT;
  const ids = deps.ids ?? randomId14;
  const autoSettleMs = deps.refundAutoSettleMs === undefined ? 1000 : deps.refundAutoSettleMs;
  const inFlight = new InFlight();
  const ledger = new Ledger(deps.clock, ids);
  const webhooks = new WebhookSender({
    url: deps.webhookUrl,
    secret: deps.webhookSecret,
    fetch: deps.fetch ?? globalThis.fetch,
    clock: deps.clock,
    newEventId: ids,
    inFlight,
    logger,
    retryDelaysMs: deps.webhookRetryDelaysMs ?? [200, 1000, 3000],
    timeoutMs: deps.webhookTimeoutMs ?? 5000,
    ...(deps.webhookDelayMs !== undefined ? { delayMs: deps.webhookDelayMs } : {}),
  });

  const paymentEvent = (
    event: string,
    payment: RzpPayment,
    extra: Record<string, { entity: unknown }> = {},
  ): OutgoingEvent => ({
    event,
    payload: { payment: { entity: paymentView(payment) }, ...extra },
  });
  const refundEvent = (event: string, refund: RzpRefund, payment: RzpPayment): OutgoingEvent => ({
    event,
    payload: { refund: { entity: refundView(refund) }, payment: { entity: paymentView(payment) } },
  });

  function settleRefund(refundId: string, outcome: RefundBehaviour['outcome'], mode: WebhookMode): RzpRefund {
    const { refund, payment } = ledger.settleRefund(refundId, outcome);
    webhooks.send([refundEvent(`refund.${outcome}`, refund, payment)], mode);
    return refund;
  }

  function isAuthorized(header: string | undefined): boolean {
    // Razorpay is strict about the scheme's spelling: `Basic <base64(key_id:key_secret)>`.
    if (!header?.startsWith('Basic ')) return false;
    const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const idOk = safeEqual(decoded.slice(0, colon), deps.keyId);
    const secretOk = safeEqual(decoded.slice(colon + 1), deps.keySecret);
    return idOk && secretOk;
  }

  const app = new Hono();

  app.onError((err, c) => {
    if (err instanceof SandboxError) return c.json(err.body, err.status);
    logger.log('ERROR', 'sandbox gateway failed', { error: err, path: c.req.path });
    return c.json(
      plainError(500, 'We are facing some trouble completing your request at the moment.', 'SERVER_ERROR').body,
      500,
    );
  });
  app.notFound((c) => c.json(routeNotFound().body, 404));
  // the size is checked before the body is read (Content-Length, then the stream as it arrives), never after
  // buffering it whole
  app.use(
    bodyLimit(MAX_BODY_CHARS, (c) =>
      c.json(plainError(413, 'The request body is too large.', 'BAD_REQUEST_ERROR').body, 413),
    ),
  );

  // ---- Razorpay API (Basic auth) ----

  app.use('/v1/*', async (c, next) => {
    if (!isAuthorized(c.req.header('authorization'))) throw authFailed();
    await next();
  });

  app.post('/v1/orders', async (c) => {
    const body = parseBody(CreateOrderBody, await readJson(c));
    const order = ledger.createOrder(body);
    logger.log('INFO', 'sandbox order created', { orderId: order.id, amount: order.amount });
    return c.json(orderView(order));
  });

  app.get('/v1/orders/:id', (c) => c.json(orderView(ledger.order(c.req.param('id')))));

  app.get('/v1/orders/:id/payments', (c) => {
    const items = ledger.paymentsOf(c.req.param('id')).map(paymentView);
    return c.json({ entity: 'collection', count: items.length, items });
  });

  app.get('/v1/payments/:id', (c) => c.json(paymentView(ledger.payment(c.req.param('id')))));

  app.post('/v1/payments/:id/refund', async (c) => {
    const key = c.req.header('x-refund-idempotency') ?? null;
    if (key !== null && !IDEMPOTENCY_KEY.test(key)) {
      throw badRequest(
        'The idempotency key must be at least 10 characters of letters, digits, hyphens and underscores',
        'X-Refund-Idempotency',
      );
    }
    const body = parseBody(CreateRefundBody, await readJson(c));
    const { refund, payment, created } = ledger.createRefund(c.req.param('id'), body, key);
    if (created) {
      const plan = ledger.refundPlan(refund.id);
      logger.log('INFO', 'sandbox refund created', { refundId: refund.id, paymentId: payment.id, plan: plan.outcome });
      webhooks.send([refundEvent('refund.created', refund, payment)], plan.webhook);
      if (autoSettleMs !== null) {
        inFlight.after(
          autoSettleMs,
          async () => {
            if (ledger.refund(refund.id).status === 'pending') settleRefund(refund.id, plan.outcome, plan.webhook);
          },
          (err) => logger.log('ERROR', 'sandbox refund auto-settle failed', { error: err, refundId: refund.id }),
        );
      }
    }
    return c.json(refundView(refund));
  });

  app.get('/v1/payments/:id/refunds/:refundId', (c) => {
    const payment = ledger.payment(c.req.param('id'));
    const refund = ledger.refund(c.req.param('refundId'));
    if (refund.payment_id !== payment.id) throw badRequest('The id provided does not exist', 'id');
    return c.json(refundView(refund));
  });

  app.get('/v1/refunds/:id', (c) => c.json(refundView(ledger.refund(c.req.param('id')))));

  // the list APIs the reconciliation reads (Razorpay's Node SDK: payments.all, refunds.all, settlements.reports)
  app.get('/v1/payments', (c) => {
    const items = ledger.listPayments(parseBody(ListQuery, c.req.query())).map(paymentView);
    return c.json({ entity: 'collection', count: items.length, items });
  });

  app.get('/v1/refunds', (c) => {
    const items = ledger.listRefunds(parseBody(ListQuery, c.req.query())).map(refundView);
    return c.json({ entity: 'collection', count: items.length, items });
  });

  app.get('/v1/settlements/recon/combined', (c) => {
    const q = parseBody(ReconQuery, c.req.query());
    const items = ledger.recon({ year: q.year, month: q.month, ...(q.day ? { day: q.day } : {}) }, q.count, q.skip);
    return c.json({ entity: 'collection', count: items.length, items });
  });

  // ---- Control API (sandbox only, no auth): plays the customer and the bank ----

  app.post('/control/orders/:id/pay', async (c) => {
    const id = c.req.param('id');
    if (!ledger.findOrder(id)) throw notFound();
    const body = parseBody(PayBody, await readJson(c));
    const { order, payment } = ledger.pay(id, body.outcome, body.amount);
    logger.log('INFO', 'sandbox payment', { orderId: order.id, paymentId: payment.id, status: payment.status });
    if (body.outcome === 'success') {
      webhooks.send(
        [
          paymentEvent('payment.captured', payment),
          paymentEvent('order.paid', payment, { order: { entity: orderView(order) } }),
        ],
        body.webhook,
      );
      return c.json({
        orderId: order.id,
        paymentId: payment.id,
        status: payment.status,
        signature: checkoutSignature(deps.keySecret, order.id, payment.id),
        // for the checkout page, which shows the order as it now stands without a reload
        order: { status: order.status, attempts: order.attempts },
      });
    }
    webhooks.send([paymentEvent('payment.failed', payment)], body.webhook);
    // What checkout hands the app on failure: Razorpay's error object, no signature.
    return c.json({
      orderId: order.id,
      paymentId: payment.id,
      status: payment.status,
      signature: null,
      error: {
        code: payment.error_code,
        description: payment.error_description,
        source: payment.error_source,
        step: payment.error_step,
        reason: payment.error_reason,
        metadata: { order_id: order.id, payment_id: payment.id },
      },
      order: { status: order.status, attempts: order.attempts },
    });
  });

  app.post('/control/refunds/:id/settle', async (c) => {
    const id = c.req.param('id');
    existsOr404(() => ledger.refund(id));
    const body = parseBody(SettleRefundBody, await readJson(c));
    return c.json(refundView(settleRefund(id, body.outcome, body.webhook)));
  });

  app.post('/control/payments/:id/refund-behaviour', async (c) => {
    const id = c.req.param('id');
    existsOr404(() => ledger.payment(id));
    const body = parseBody(RefundBehaviourBody, await readJson(c));
    ledger.setRefundBehaviour(id, body);
    return c.json({ paymentId: id, ...body });
  });

  // ---- Hosted checkout page ----

  app.get('/checkout/:id', (c) => {
    const order = ledger.findOrder(c.req.param('id'));
    return order ? c.html(checkoutPage(order)) : c.html(checkoutNotFoundPage(c.req.param('id')), 404);
  });

  return {
    app,
    settle: () => inFlight.settle(),
    close: () => inFlight.cancelTimers(),
  };
}

/** The body as JSON; empty means `{}` (a full refund needs no body). Never throws anything but a SandboxError. */
async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.length > MAX_BODY_CHARS) throw plainError(413, 'The request body is too large.', 'BAD_REQUEST_ERROR');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw plainError(400, 'The request body is not valid JSON.', 'BAD_REQUEST_ERROR');
  }
}

/** Control routes answer an unknown id with 404 (the Razorpay API itself says 400, see unknownId). */
function notFound(): SandboxError {
  return new SandboxError(404, {
    error: {
      code: 'BAD_REQUEST_ERROR',
      description: 'The id provided does not exist',
      source: 'NA',
      step: 'NA',
      reason: 'NA',
      metadata: {},
    },
  });
}

function existsOr404(lookup: () => unknown): void {
  try {
    lookup();
  } catch (err) {
    if (err instanceof SandboxError) throw notFound();
    throw err;
  }
}
