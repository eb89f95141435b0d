import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { RazorpayGateway } from '../../shared/adapters/gateways/razorpay/razorpay-gateway.ts';
import { hmacHex } from '../../shared/adapters/gateways/razorpay/signatures.ts';
import { MemoryLogger } from '../../shared/adapters/logging/json-logger.ts';
import { ManualClock } from '../../shared/adapters/memory/clocks.ts';
import { SeededIds } from '../../shared/adapters/memory/ids.ts';
import { MemoryAccountStore } from '../../shared/adapters/memory/memory-account-store.ts';
import { MemoryAttemptCounter } from '../../shared/adapters/memory/memory-attempt-counter.ts';
import { MemoryAuditLog } from '../../shared/adapters/memory/memory-audit-log.ts';
import { MemoryDeliveryStore } from '../../shared/adapters/memory/memory-delivery-store.ts';
import { MemoryEventBus } from '../../shared/adapters/memory/memory-event-bus.ts';
import { MemoryInboxStore } from '../../shared/adapters/memory/memory-inbox-store.ts';
import { MemoryNotificationStore } from '../../shared/adapters/memory/memory-notification-store.ts';
import { MemoryOperatorKeyStore } from '../../shared/adapters/memory/memory-operator-keys.ts';
import { MemoryOrderStore } from '../../shared/adapters/memory/memory-order-store.ts';
import { MemoryReconciliationStore } from '../../shared/adapters/memory/memory-reconciliation-store.ts';
import { MemoryTaskQueue } from '../../shared/adapters/memory/memory-task-queue.ts';
import { MemoryWebhookIssueStore } from '../../shared/adapters/memory/memory-webhook-issue-store.ts';
import type { PaymentEvent } from '../../shared/domain/events.ts';
import { applyObservation, attachGatewayOrder, newOrder } from '../../shared/domain/order.ts';
import type { Order } from '../../shared/domain/payment-types.ts';
import { jwtVerifier, type TokenVerifier } from '../../shared/http/auth.ts';
import type {
  CheckoutDetails,
  GatewayPaymentRecord,
  GatewayPaymentState,
  GatewayRefund,
  GatewayRefundRecord,
  GatewayWebhook,
  PaymentGateway,
  SettlementLine,
} from '../../shared/ports/payment-gateway.ts';
import type { Deps } from '../../shared/use-cases/deps.ts';

export const WEBHOOK_SECRET = 'app_test_webhook_secret';
const PUSH_AUDIENCE = 'payments-internal';

/**
 * A gateway whose answers a test sets: `state` is what a status check sees, `refunds` what the gateway holds.
 * Webhooks are verified as Razorpay's are (HMAC of the raw body with {@link WEBHOOK_SECRET}).
 */
export class ScriptedGateway implements PaymentGateway {
  readonly name = 'razorpay' as const;
  state: GatewayPaymentState = { status: 'pending' };
  readonly refunds = new Map<string, GatewayRefund>();
  /** What `fetchRefund` answers for a pending refund from now on. */
  refundOutcome: GatewayRefund['status'] = 'pending';
  private readonly razorpay = new RazorpayGateway({
    keyId: 'rzp_test_apptests',
    keySecret: 'app_test_key_secret',
    webhookSecret: WEBHOOK_SECRET,
    baseUrl: 'http://gateway.invalid',
    fetch: () => Promise.reject(new Error('no network in app tests')),
  });

  async createOrder(): Promise<CheckoutDetails> {
    throw new Error('not used by these tests');
  }

  async fetchPaymentState(): Promise<GatewayPaymentState> {
    return this.state;
  }

  async listPayments(): Promise<readonly GatewayPaymentRecord[]> {
    return [];
  }

  async listRefunds(): Promise<readonly GatewayRefundRecord[]> {
    return [];
  }

  async settlementReport(): Promise<readonly SettlementLine[]> {
    return [];
  }

  verifyCheckoutSignature(): boolean {
    return false;
  }

  parseWebhook(rawBody: string, headers: Readonly<Record<string, string | undefined>>): GatewayWebhook | null {
    return this.razorpay.parseWebhook(rawBody, headers);
  }

  async createRefund(input: {
    paymentId: string;
    amount: GatewayRefund['amount'];
    idempotencyKey: string;
    notes?: Record<string, string>;
  }): Promise<GatewayRefund> {
    const existing = [...this.refunds.values()].find((r) => r.notes.refundId === input.notes?.refundId);
    if (existing) return existing;
    const refund: GatewayRefund = {
      refundId: `rfnd_${this.refunds.size + 1}`,
      paymentId: input.paymentId,
      amount: input.amount,
      status: 'pending',
      notes: input.notes ?? {},
    };
    this.refunds.set(refund.refundId, refund);
    return refund;
  }

  async fetchRefund(refundId: string): Promise<GatewayRefund> {
    const refund = this.refunds.get(refundId);
    if (!refund) throw new Error(`no refund ${refundId}`);
    return { ...refund, status: this.refundOutcome };
  }
}

/** Razorpay's signature header for `body`, made with the secret {@link ScriptedGateway} verifies against. */
export function webhookSignature(body: string, secret = WEBHOOK_SECRET): string {
  return hmacHex(secret, body);
}

/** Signs and verifies the OIDC tokens Cloud Tasks and Pub/Sub would attach to a push. */
export async function pushIssuer(): Promise<{ verifier: TokenVerifier; token: () => Promise<string> }> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const kid = randomUUID();
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' }] };
  const issuer = 'https://issuer.test';
  return {
    verifier: jwtVerifier({ keys: createLocalJWKSet(jwks), issuer, audience: PUSH_AUDIENCE }),
    token: () =>
      new SignJWT({ email: 'pusher@test' })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setIssuer(issuer)
        .setAudience(PUSH_AUDIENCE)
        .setSubject('pusher@test')
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey),
  };
}

/**
 * Every dependency a service's `createApp` may take, in memory, on a manual clock; for testing one service's app
 * through `app.request` without the rest of the stack. Tasks and pushes the app causes stay queued for inspection.
 */
export async function serviceDeps() {
  const clock = new ManualClock('2026-03-01T10:00:00.000Z');
  const logger = new MemoryLogger();
  const store = new MemoryOrderStore();
  const nowhere = { url: 'http://nowhere.test/task', dispatch: async () => new Response(null, { status: 204 }) };
  const queue = new MemoryTaskQueue({
    clock,
    targets: {
      'status-checks': nowhere,
      'refund-checks': nowhere,
      'notification-deliveries': nowhere,
      reconciliations: nowhere,
    },
  });
  const bus = new MemoryEventBus({ clock });
  const gateway = new ScriptedGateway();
  const push = await pushIssuer();
  const deps: Deps & { pushTokens: TokenVerifier; bodyLimitBytes: number } = {
    orders: store,
    orderChanges: store,
    outbox: store,
    bus,
    tasks: queue,
    gateway,
    inbox: new MemoryInboxStore(),
    notifications: new MemoryNotificationStore(),
    clock,
    ids: new SeededIds(13),
    logger,
    settings: {
      statusCheckIntervalSeconds: 900,
      paymentMaxAgeSeconds: 3600,
      refundCheckIntervalSeconds: 900,
      maxTransientAttempts: 3,
      appWebhook: null,
    },
    accounts: new MemoryAccountStore(),
    audit: new MemoryAuditLog(),
    webhookIssues: new MemoryWebhookIssueStore(),
    attempts: new MemoryAttemptCounter(),
    deliveries: new MemoryDeliveryStore(),
    operatorKeys: MemoryOperatorKeyStore.fromPairs(''),
    channels: [],
    webhooks: { post: async () => 204 },
    reconciliations: new MemoryReconciliationStore(),
    reconciliation: { timeZone: 'Asia/Kolkata', concurrency: 4, gatewayRequestsPerSecond: 1000, leaseSeconds: 300 },
    pushTokens: push.verifier,
    bodyLimitBytes: 64 * 1024,
  };
  return { deps, clock, logger, store, queue, bus, gateway, pushToken: push.token };
}

let orderSeq = 0;

/**
 * Puts an order in the store with its gateway order attached (`order_<id>`); `paid` also records the payment as
 * succeeded (`pay_<id>`). Its events are marked published, so a test sees only what the app under test causes.
 */
export async function seedOrder(
  store: MemoryOrderStore,
  clock: ManualClock,
  options: { paid?: boolean; customerId?: string } = {},
): Promise<Order> {
  const id = `ord_apptest${String(++orderSeq).padStart(13, '0')}`;
  const created = newOrder({
    id,
    customerId: options.customerId ?? 'cust_1',
    amount: { amount: 49_900, currency: 'INR' },
    gateway: 'razorpay',
    now: clock.now(),
  });
  await store.create(created.order, { customerId: created.order.customerId, key: id, fingerprint: id }, []);
  let order = (await store.update(id, (o) => {
    const next = attachGatewayOrder(
      o,
      { gatewayOrderId: `order_${id}`, keyId: 'rzp_test_apptests', checkoutUrl: null },
      clock.now(),
    );
    return next ? { order: next, events: [] } : null;
  })) as Order;
  if (options.paid) {
    const paid = applyObservation(
      order,
      { status: 'succeeded', source: 'webhook', paymentId: `pay_${id}`, paid: order.amount },
      clock.now(),
    );
    if (paid.outcome !== 'changed') throw new Error('could not seed a paid order');
    order = (await store.update(id, () => ({ order: paid.order, events: [] }))) as Order;
  }
  return order;
}

/** The Pub/Sub push request for `event`, with a push token when one is given. */
export function pushRequest(event: PaymentEvent, messageId: string, token?: string): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({
      message: {
        data: Buffer.from(JSON.stringify(event)).toString('base64'),
        attributes: { eventId: event.id, eventType: event.type, orderId: event.orderId },
        messageId,
        publishTime: new Date(0).toISOString(),
      },
      subscription: 'projects/test/subscriptions/app-test',
    }),
  };
}
