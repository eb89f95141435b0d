import { Hono } from 'hono';
import { AppWebhookChannel } from '../../shared/adapters/channels/app-webhook-channel.ts';
import { FetchWebhookPoster } from '../../shared/adapters/channels/fetch-webhook-poster.ts';
import { LogChannel } from '../../shared/adapters/channels/log-channel.ts';
import { RazorpayGateway } from '../../shared/adapters/gateways/razorpay/razorpay-gateway.ts';
import { JsonLogger } from '../../shared/adapters/logging/json-logger.ts';
import { SystemClock } from '../../shared/adapters/memory/clocks.ts';
import type { Dispatch } from '../../shared/adapters/memory/delivery-loop.ts';
import { RandomIds } from '../../shared/adapters/memory/ids.ts';
import { MemoryAccountStore } from '../../shared/adapters/memory/memory-account-store.ts';
import { MemoryAttemptCounter } from '../../shared/adapters/memory/memory-attempt-counter.ts';
import { MemoryDeliveryStore } from '../../shared/adapters/memory/memory-delivery-store.ts';
import { MemoryEventBus } from '../../shared/adapters/memory/memory-event-bus.ts';
import { MemoryInboxStore } from '../../shared/adapters/memory/memory-inbox-store.ts';
import { MemoryNotificationStore } from '../../shared/adapters/memory/memory-notification-store.ts';
import { MemoryOperatorKeyStore } from '../../shared/adapters/memory/memory-operator-keys.ts';
import { MemoryOrderStore } from '../../shared/adapters/memory/memory-order-store.ts';
import { MemoryTaskQueue } from '../../shared/adapters/memory/memory-task-queue.ts';
import { AppError } from '../../shared/domain/errors.ts';
import { problem } from '../../shared/http/problem.ts';
import type { AccountStore } from '../../shared/ports/account-store.ts';
import type { Clock } from '../../shared/ports/clock.ts';
import type { IdGenerator } from '../../shared/ports/id-generator.ts';
import type { Logger } from '../../shared/ports/logger.ts';
import type { Deps } from '../../shared/use-cases/deps.ts';
import { publishPendingEvents } from '../../shared/use-cases/publish-events.ts';
import { createApp as createApiApp } from '../api/app.ts';
import { createApp as createFulfillmentApp } from '../fulfillment/app.ts';
import { createApp as createNotifierApp } from '../notifier/app.ts';
import { createApp as createRefundsApp } from '../refunds/app.ts';
import { createSandboxGateway, type SandboxGateway } from '../sandbox-gateway/app.ts';
import { createApp as createStatusCheckerApp } from '../status-checker/app.ts';
import { createApp as createWebhooksApp } from '../webhooks/app.ts';
import { LocalIssuer } from './local-issuer.ts';

export interface EmbeddedOptions {
  /** Where the stack is reached from outside; links and webhook URLs are built from it. */
  readonly baseUrl: string;
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  readonly logger?: Logger;
  readonly statusCheckIntervalSeconds?: number;
  readonly paymentMaxAgeSeconds?: number;
  readonly bodyLimitBytes?: number;
  readonly razorpay?: { readonly keyId: string; readonly keySecret: string; readonly webhookSecret: string };
  /** Simulations: the chance a Pub/Sub delivery is duplicated, and the random source deciding it. */
  readonly busDuplicateRate?: number;
  readonly random?: () => number;
  /**
   * Simulations: decides per task or push delivery whether the receiving process "dies" before handling it or after
   * handling it but before acknowledging (both answer 503, so the queue or bus redelivers).
   */
  readonly chaos?: (request: Request) => 'crash-before' | 'crash-after' | null;
  /** Sandbox refunds settle by themselves after this long (null: only by control). */
  readonly refundAutoSettleMs?: number | null;
  readonly refundCheckIntervalSeconds?: number;
  readonly maxTransientAttempts?: number;
  /** The app backend that receives signed notification webhooks; none by default. */
  readonly appWebhook?: { readonly url: string; readonly secret: string } | null;
  /** `role:key` pairs (OPERATOR_API_KEYS); default: one development finance key, see `operatorKey`. */
  readonly operatorApiKeys?: string;
  /** Replaces the in-memory account store (tests inject failures through it). */
  readonly accounts?: AccountStore;
}

export interface EmbeddedStack {
  /** The front door: routes `/v1`, `/webhooks`, `/tasks`, `/pubsub`, `/sandbox` and `/dev` to their service. */
  readonly app: Hono;
  readonly fetch: Dispatch;
  readonly clock: Clock;
  readonly deps: Deps;
  readonly store: MemoryOrderStore;
  readonly queue: MemoryTaskQueue;
  readonly bus: MemoryEventBus;
  readonly sandbox: SandboxGateway;
  readonly issuer: LocalIssuer;
  readonly razorpay: { readonly keyId: string; readonly keySecret: string; readonly webhookSecret: string };
  /** The development operator key (finance role) when none was configured; null otherwise. */
  readonly operatorKey: string | null;
  /** Runs everything that is due (outbox, Pub/Sub pushes, tasks, webhooks in flight) until nothing is left to do. */
  drain(): Promise<void>;
  /** Pumps the queue, bus and outbox on timers, as `npm start` does. */
  start(): void;
  stop(): Promise<void>;
}

const DEV_KEYS = {
  keyId: 'rzp_test_embedded0000',
  keySecret: 'embedded_key_secret_not_for_production',
  webhookSecret: 'embedded_webhook_secret_not_for_production',
};

/**
 * The embedded default: every service and the sandbox gateway in one process, on in-memory adapters, wired exactly
 * as on Google Cloud (tasks and events reach their service as HTTP requests with Cloud Tasks' and Pub/Sub's shapes
 * and OIDC tokens), but dispatched in process. No cloud account or emulator needed.
 */
export async function createEmbeddedStack(options: EmbeddedOptions): Promise<EmbeddedStack> {
  const clock = options.clock ?? new SystemClock();
  const logger = options.logger ?? new JsonLogger('INFO');
  const ids = options.ids ?? new RandomIds();
  const razorpay = options.razorpay ?? DEV_KEYS;
  const bodyLimitBytes = options.bodyLimitBytes ?? 64 * 1024;
  const base = options.baseUrl.replace(/\/$/, '');
  const issuer = await LocalIssuer.create(`${base}/dev`);

  const root = new Hono();
  const dispatch: Dispatch = (request) => Promise.resolve(root.fetch(request));
  const inProcessFetch = ((input: string | URL | Request, init?: RequestInit) =>
    dispatch(new Request(input, init))) as typeof fetch;

  const deliver: Dispatch = async (request) => {
    const fault = options.chaos?.(request) ?? null;
    if (fault === 'crash-before') return new Response(null, { status: 503 });
    const response = await dispatch(request);
    return fault === 'crash-after' ? new Response(null, { status: 503 }) : response;
  };

  const store = new MemoryOrderStore();
  const pushToken = () => issuer.pushToken();
  const queue = new MemoryTaskQueue({
    clock,
    targets: {
      'status-checks': { baseUrl: base, dispatch: deliver },
      'refund-checks': { baseUrl: base, dispatch: deliver },
      'notification-deliveries': { baseUrl: base, dispatch: deliver },
    },
    token: pushToken,
  });
  const bus = new MemoryEventBus({
    clock,
    token: pushToken,
    ...(options.busDuplicateRate !== undefined ? { duplicateRate: options.busDuplicateRate } : {}),
    ...(options.random ? { random: options.random } : {}),
  });
  // one topic, a push subscription per handler, each at its own service (paths are per service, as on Cloud Run)
  for (const name of ['notifier', 'fulfillment', 'refunds']) {
    bus.subscribe({
      name,
      topic: 'payment-events',
      pushUrl: `${base}/pubsub/${name}/payment-events`,
      dispatch: deliver,
    });
  }

  const sandbox = createSandboxGateway({
    ...razorpay,
    webhookUrl: `${base}/webhooks/razorpay`,
    clock,
    fetch: inProcessFetch,
    logger: logger.child({ service: 'sandbox-gateway' }),
    ...(options.refundAutoSettleMs !== undefined ? { refundAutoSettleMs: options.refundAutoSettleMs } : {}),
  });
  const gateway = new RazorpayGateway({
    ...razorpay,
    baseUrl: `${base}/sandbox`,
    checkoutUrlBase: `${base}/sandbox/checkout`,
    fetch: inProcessFetch,
  });

  const operatorKey = options.operatorApiKeys ? null : `dev-finance-${ids.next('key').slice(4)}`;
  const appWebhook = options.appWebhook ?? null;
  const deps: Deps = {
    orders: store,
    outbox: store,
    bus,
    tasks: queue,
    gateway,
    inbox: new MemoryInboxStore(),
    notifications: new MemoryNotificationStore(),
    clock,
    ids,
    logger,
    settings: {
      statusCheckIntervalSeconds: options.statusCheckIntervalSeconds ?? 900,
      paymentMaxAgeSeconds: options.paymentMaxAgeSeconds ?? 172_800,
      refundCheckIntervalSeconds: options.refundCheckIntervalSeconds ?? 900,
      maxTransientAttempts: options.maxTransientAttempts ?? 5,
      appWebhook,
    },
    accounts: options.accounts ?? new MemoryAccountStore(),
    attempts: new MemoryAttemptCounter(),
    deliveries: new MemoryDeliveryStore(),
    operatorKeys: MemoryOperatorKeyStore.fromPairs(options.operatorApiKeys ?? `finance:${operatorKey}`),
    channels: [
      new LogChannel(logger.child({ service: 'notifier' })),
      ...(appWebhook ? [new AppWebhookChannel(queue, () => clock.now())] : []),
    ],
    webhooks: new FetchWebhookPoster(),
  };
  const pushTokens = issuer.pushVerifier();
  const api = createApiApp({ ...deps, customerTokens: issuer.customerVerifier(), bodyLimitBytes });
  const webhooks = createWebhooksApp({ ...deps, bodyLimitBytes });
  const statusChecker = createStatusCheckerApp({ ...deps, pushTokens, bodyLimitBytes });
  const notifier = createNotifierApp({ ...deps, pushTokens, bodyLimitBytes });
  const fulfillment = createFulfillmentApp({ ...deps, pushTokens, bodyLimitBytes });
  const refunds = createRefundsApp({ ...deps, pushTokens, bodyLimitBytes });

  root.get('/', (c) =>
    c.json({
      service: 'payments (embedded)',
      api: `${base}/v1`,
      token: `${base}/dev/token?customerId=cust_demo`,
      sandbox: `${base}/sandbox`,
      webhooks: `${base}/webhooks/razorpay`,
    }),
  );
  root.get('/healthz', (c) => c.json({ ok: true }));
  root.get('/dev/token', async (c) => {
    const customerId = c.req.query('customerId') ?? '';
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(customerId)) {
      return problem(
        new AppError('validation', 'customerId: 1–64 letters, digits, _ or -', [
          { path: 'customerId', message: 'invalid' },
        ]),
      );
    }
    return c.json({ token: await issuer.customerToken(customerId), tokenType: 'Bearer', expiresIn: 3600 });
  });
  root.get('/dev/jwks.json', (c) => c.json(issuer.jwks));
  root.all('/v1/*', (c) => api.fetch(c.req.raw));
  root.all('/webhooks/*', (c) => webhooks.fetch(c.req.raw));
  // in one process the services share a host, so a path prefix stands for the service's own URL
  root.all('/tasks/check-payment', (c) => statusChecker.fetch(c.req.raw));
  root.all('/tasks/sweep-outbox', (c) => statusChecker.fetch(c.req.raw));
  root.all('/tasks/check-refund', (c) => refunds.fetch(c.req.raw));
  root.all('/tasks/deliver-notification', (c) => notifier.fetch(c.req.raw));
  root.all('/pubsub/:service/payment-events', (c) => {
    const app = { notifier, fulfillment, refunds }[c.req.param('service')];
    if (!app) return problem(new AppError('not-found', 'no such subscriber'));
    const url = new URL(c.req.url);
    url.pathname = '/pubsub/payment-events';
    return app.fetch(new Request(url, c.req.raw));
  });
  root.mount('/sandbox', sandbox.app.fetch);
  root.notFound((c) =>
    problem(new AppError('not-found', `no route for ${c.req.method} ${new URL(c.req.url).pathname}`)),
  );

  let sweep: NodeJS.Timeout | null = null;
  const drain = async (): Promise<void> => {
    for (let round = 0; round < 1000; round++) {
      await sandbox.settle();
      const { published } = await publishPendingEvents(deps);
      const pushed = await bus.runDue();
      const ran = await queue.runDue();
      await sandbox.settle();
      if (published + pushed + ran === 0) return;
    }
    throw new Error('drain did not settle after 1000 rounds');
  };

  return {
    app: root,
    fetch: dispatch,
    clock,
    deps,
    store,
    queue,
    bus,
    sandbox,
    issuer,
    razorpay,
    operatorKey,
    drain,
    start() {
      queue.start(200);
      bus.start(50);
      sweep = setInterval(() => void publishPendingEvents(deps).catch(() => undefined), 5000);
      sweep.unref();
    },
    async stop() {
      if (sweep) clearInterval(sweep);
      sandbox.close();
      await Promise.all([queue.stop(), bus.stop()]);
    },
  };
}
