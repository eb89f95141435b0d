import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createSandboxGateway, type SandboxGateway } from '../../services/sandbox-gateway/app.ts';
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
import type { Deps } from '../../shared/use-cases/deps.ts';
import { call, KEY_ID, KEY_SECRET, seededIds } from './sandbox.ts';

export const WEBHOOK_SECRET = 'app_test_webhook_secret';
const PUSH_AUDIENCE = 'payments-internal';
/** Where the adapter believes Razorpay is; nothing listens there, requests are handed to the sandbox in process. */
const SANDBOX_BASE = 'http://razorpay-sandbox.test';

/** Razorpay's signature header for `body`, made with the webhook secret the app's gateway verifies against. */
export function webhookSignature(body: string, secret = WEBHOOK_SECRET): string {
  return hmacHex(secret, body);
}

/**
 * The network between the adapter and the sandbox, in process. `cut` makes the next requests to a path fail the way
 * an unreachable gateway does (fetch rejects), so a test sees the real adapter's failure, not a scripted one.
 */
export class SandboxNetwork {
  private readonly cuts: { path: string; remaining: number }[] = [];

  constructor(private readonly sandbox: SandboxGateway) {}

  /** The next `times` requests whose path starts with `path` (e.g. `/v1/payments?`) never reach the sandbox. */
  cut(path: string, times = 1): void {
    this.cuts.push({ path, remaining: times });
  }

  readonly fetch = ((input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const target = `${url.pathname}${url.search}`;
    const cut = this.cuts.find((c) => c.remaining > 0 && target.startsWith(c.path));
    if (cut) {
      cut.remaining--;
      return Promise.reject(new TypeError('fetch failed (connection reset, injected)'));
    }
    const headers = new Headers(init?.headers);
    // as an HTTP client sends it, so the sandbox's body limit need not stream the body to measure it
    if (typeof init?.body === 'string') headers.set('content-length', String(Buffer.byteLength(init.body)));
    return Promise.resolve(this.sandbox.app.fetch(new Request(url, { ...init, headers })));
  }) as typeof fetch;
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
 * The gateway is the real Razorpay adapter talking to the Razorpay sandbox in process (no sockets); the sandbox sends
 * no webhooks and settles refunds only when a test says so through its control API (see {@link control}).
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
  const sandbox = createSandboxGateway({
    keyId: KEY_ID,
    keySecret: KEY_SECRET,
    webhookSecret: WEBHOOK_SECRET,
    webhookUrl: null,
    clock,
    ids: seededIds(),
    refundAutoSettleMs: null,
  });
  const network = new SandboxNetwork(sandbox);
  const gateway = new RazorpayGateway({
    keyId: KEY_ID,
    keySecret: KEY_SECRET,
    webhookSecret: WEBHOOK_SECRET,
    baseUrl: SANDBOX_BASE,
    fetch: network.fetch,
  });
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
  return { deps, clock, logger, store, queue, bus, gateway, sandbox, network, pushToken: push.token };
}

/** What {@link serviceDeps} gives a test. */
export type ServiceHarness = Awaited<ReturnType<typeof serviceDeps>>;

/**
 * A call to the sandbox's control API (the customer at checkout, the bank behind refunds), e.g.
 * `control(s, '/control/orders/order_…/pay', { outcome: 'success' })`. Throws unless the sandbox answers 200.
 */
export async function control(s: Pick<ServiceHarness, 'sandbox'>, path: string, body: unknown): Promise<any> {
  const res = await call(s.sandbox, 'POST', path, body);
  if (res.status !== 200) throw new Error(`sandbox ${path} answered ${res.status}: ${JSON.stringify(res.json)}`);
  return res.json;
}

/** The customer pays the gateway order at checkout; webhooks are dropped (a test that wants one sends it itself). */
export async function payAtGateway(
  s: Pick<ServiceHarness, 'sandbox'>,
  gatewayOrderId: string,
  options: { outcome?: 'success' | 'failure'; amount?: number } = {},
): Promise<{ paymentId: string }> {
  const paid = await control(s, `/control/orders/${gatewayOrderId}/pay`, {
    outcome: options.outcome ?? 'success',
    webhook: 'drop',
    ...(options.amount !== undefined ? { amount: options.amount } : {}),
  });
  return { paymentId: paid.paymentId };
}

/** Every refund the sandbox holds, newest first, as Razorpay lists them. */
export async function gatewayRefunds(
  s: Pick<ServiceHarness, 'sandbox'>,
): Promise<{ id: string; payment_id: string; amount: number; status: string }[]> {
  const res = await call(s.sandbox, 'GET', '/v1/refunds?count=100');
  if (res.status !== 200) throw new Error(`sandbox refund list answered ${res.status}`);
  return res.json.items;
}

let orderSeq = 0;

/**
 * Puts an order in the store with a gateway order created for it in the sandbox through the adapter, as checkout
 * would; `paid` also pays it at the sandbox and records the payment as succeeded. Its events are marked published,
 * so a test sees only what the app under test causes.
 */
export async function seedOrder(
  s: Pick<ServiceHarness, 'store' | 'clock' | 'gateway' | 'sandbox'>,
  options: { paid?: boolean; customerId?: string } = {},
): Promise<Order> {
  const { store, clock } = s;
  const id = `ord_apptest${String(++orderSeq).padStart(13, '0')}`;
  const created = newOrder({
    id,
    customerId: options.customerId ?? 'cust_1',
    amount: { amount: 49_900, currency: 'INR' },
    gateway: 'razorpay',
    now: clock.now(),
  });
  await store.create(created.order, { customerId: created.order.customerId, key: id, fingerprint: id }, []);
  const checkout = await s.gateway.createOrder({ amount: created.order.amount, receipt: id, notes: { orderId: id } });
  let order = (await store.update(id, (o) => {
    const next = attachGatewayOrder(o, checkout, clock.now());
    return next ? { order: next, events: [] } : null;
  })) as Order;
  if (options.paid) {
    const { paymentId } = await payAtGateway(s, checkout.gatewayOrderId);
    const paid = applyObservation(
      order,
      { status: 'succeeded', source: 'webhook', paymentId, paid: order.amount },
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
