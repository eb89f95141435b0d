import type { Hono } from 'hono';
import { AppWebhookChannel } from '../../shared/adapters/channels/app-webhook-channel.ts';
import { FetchWebhookPoster } from '../../shared/adapters/channels/fetch-webhook-poster.ts';
import { LogChannel } from '../../shared/adapters/channels/log-channel.ts';
import { RazorpayGateway } from '../../shared/adapters/gateways/razorpay/razorpay-gateway.ts';
import { JsonLogger } from '../../shared/adapters/logging/json-logger.ts';
import { SystemClock } from '../../shared/adapters/memory/clocks.ts';
import type { Dispatch } from '../../shared/adapters/memory/delivery-loop.ts';
import { RandomIds } from '../../shared/adapters/memory/ids.ts';
import { inProcessRequest } from '../../shared/adapters/memory/in-process-http.ts';
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
import { MemoryScheduler } from '../../shared/adapters/memory/memory-scheduler.ts';
import { MemoryTaskQueue } from '../../shared/adapters/memory/memory-task-queue.ts';
import { MemoryWebhookIssueStore } from '../../shared/adapters/memory/memory-webhook-issue-store.ts';
import { abuseLimits, loadConfig } from '../../shared/config.ts';
import type { AbuseLimits } from '../../shared/http/rate-limits.ts';
import { JOB_ROUTES, type JobName, PUSH_ROUTES, TASK_ROUTES } from '../../shared/http/routes.ts';
import type { AccountStore } from '../../shared/ports/account-store.ts';
import type { Clock } from '../../shared/ports/clock.ts';
import type { IdGenerator } from '../../shared/ports/id-generator.ts';
import type { Logger } from '../../shared/ports/logger.ts';
import type { QueueName } from '../../shared/ports/task-queue.ts';
import { publishPendingEvents } from '../../shared/use-cases/publish-events.ts';
import {
  jobSchedules,
  jobTarget,
  SERVICES,
  type ServiceApp,
  type ServiceDeps,
  subscriptions,
  taskTarget,
} from '../catalogue/catalogue.ts';
import { createFrontDoor } from '../catalogue/front-door.ts';
import { demoPage } from '../dev/demo-page.ts';
import { DEV_RAZORPAY_KEYS, type RazorpayKeys } from '../dev/dev-keys.ts';
import { createDevRoutes } from '../dev/dev-routes.ts';
import { LocalIssuer } from '../dev/local-issuer.ts';
import { createSandboxGateway, type SandboxGateway } from '../sandbox-gateway/app.ts';
import { type SandboxThreadData, startSandboxThread } from './sandbox-thread.ts';

export interface EmbeddedOptions {
  /** Where the stack is reached from outside; links and webhook URLs are built from it. */
  readonly baseUrl: string;
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  readonly logger?: Logger;
  readonly statusCheckIntervalSeconds?: number;
  readonly paymentMaxAgeSeconds?: number;
  readonly statusCheckBackoffAfterSeconds?: number;
  readonly bodyLimitBytes?: number;
  /** The public API's rate limits and open-order cap (default: shared/config.ts's). */
  readonly limits?: Partial<AbuseLimits>;
  /** Browser origins allowed to call the API (CORS); none by default. */
  readonly corsOrigins?: readonly string[];
  readonly razorpay?: RazorpayKeys;
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
  /** Sandbox webhooks wait this long before they are sent, as a real gateway's do (default 0: at once). */
  readonly sandboxWebhookDelayMs?: number;
  /** The app backend that receives signed notification webhooks; none by default. */
  readonly appWebhook?: { readonly url: string; readonly secret: string } | null;
  /** `role:key` pairs (OPERATOR_API_KEYS); default: one development finance key, see `operatorKey`. */
  readonly operatorApiKeys?: string;
  /** Replaces the in-memory account store (tests inject failures through it). */
  readonly accounts?: AccountStore;
  /** Cron schedules of the scheduler jobs (default: shared/config.ts) and their time zone. */
  readonly jobSchedules?: Partial<Record<JobName, string>>;
  readonly timeZone?: string;
  /**
   * Wraps the ports before the services are built (the bench meters them with counting decorators; see
   * shared/adapters/metering). The drain and the outbox relay use the wrapped ports too.
   */
  readonly decorate?: (deps: ServiceDeps) => ServiceDeps;
  /** Simulations: one issuer shared by many stacks, so each does not generate its own RSA key. */
  readonly issuer?: LocalIssuer;
  /** Simulations: the sandbox's id source (seeded, so a run replays exactly). */
  readonly sandboxIds?: () => string;
  /**
   * Simulations: carries the sandbox's webhooks instead of delivering them at once. It answers the sandbox as the
   * network would; the simulation delivers (late, twice, out of order or never) through `fetch`.
   */
  readonly webhookNetwork?: (request: Request) => Promise<Response>;
  /**
   * `npm start`: the sandbox gateway on a thread of its own (see sandbox-thread.ts), logging as given. Needs the system
   * clock and the sandbox's own ids and webhook delivery, so it excludes `clock`, `sandboxIds` and `webhookNetwork`.
   */
  readonly sandboxThread?: Pick<SandboxThreadData, 'logFormat' | 'logLevel'>;
  /** The business day's time zone for reconciliation (default: shared/config.ts). */
  readonly businessTimeZone?: string;
  /** Gateway calls per second a reconciliation may start (default: shared/config.ts). */
  readonly reconciliationGatewayRps?: number;
}

/** A fetch call's arguments as an in-process request: light when they are plain (a URL and a text body). */
function toRequest(input: string | URL | Request, init?: RequestInit): Request {
  const plain =
    !(input instanceof Request) && (init?.body === undefined || init.body === null || typeof init.body === 'string');
  if (!plain) return new Request(input, init);
  return inProcessRequest(String(input), {
    method: init?.method ?? 'GET',
    // a record or Headers is taken as it is (the light request builds its Headers only when asked); pairs are not
    headers: Array.isArray(init?.headers)
      ? new Headers(init.headers as [string, string][])
      : (init?.headers as Record<string, string> | Headers | undefined),
    body: (init?.body as string | null | undefined) ?? null,
    signal: init?.signal ?? null,
  });
}

export interface EmbeddedStack {
  /** The front door: routes `/v1`, `/webhooks`, `/tasks`, `/pubsub`, `/sandbox` and `/dev` to their service. */
  readonly app: Hono;
  readonly fetch: Dispatch;
  readonly clock: Clock;
  readonly deps: ServiceDeps;
  readonly store: MemoryOrderStore;
  readonly queue: MemoryTaskQueue;
  readonly bus: MemoryEventBus;
  readonly sandbox: SandboxGateway;
  readonly issuer: LocalIssuer;
  readonly razorpay: RazorpayKeys;
  readonly scheduler: MemoryScheduler;
  /** The development operator key (finance role) when none was configured; null otherwise. */
  readonly operatorKey: string | null;
  /** Runs everything that is due (outbox, Pub/Sub pushes, tasks, webhooks in flight) until nothing is left to do. */
  drain(): Promise<void>;
  /** Pumps the queue, bus and outbox on timers, as `npm start` does. */
  start(): void;
  stop(): Promise<void>;
}

/**
 * The embedded default: every service of the catalogue and the sandbox gateway in one process, on in-memory adapters,
 * wired exactly as on Google Cloud (tasks, events and scheduler jobs reach their service as HTTP requests with Cloud
 * Tasks', Pub/Sub's and Cloud Scheduler's shapes and OIDC tokens), but dispatched in process. No cloud account needed.
 */
export async function createEmbeddedStack(options: EmbeddedOptions): Promise<EmbeddedStack> {
  // the defaults are shared/config.ts's, whoever builds the stack
  const defaults = loadConfig({ RUNTIME: 'embedded' });
  const clock = options.clock ?? new SystemClock();
  const logger = options.logger ?? new JsonLogger(defaults.LOG_LEVEL);
  const ids = options.ids ?? new RandomIds();
  const razorpay = options.razorpay ?? DEV_RAZORPAY_KEYS;
  const bodyLimitBytes = options.bodyLimitBytes ?? defaults.BODY_LIMIT_BYTES;
  const base = options.baseUrl.replace(/\/$/, '');
  const issuer = options.issuer ?? (await LocalIssuer.create(`${base}/dev`));

  const apps = new Map<string, ServiceApp>();
  const toService = (name: string, request: Request) => Promise.resolve(apps.get(name)!.fetch(request));
  const deliver =
    (name: string): Dispatch =>
    async (request) => {
      const fault = options.chaos?.(request) ?? null;
      if (fault === 'crash-before') return new Response(null, { status: 503 });
      const response = await toService(name, request);
      return fault === 'crash-after' ? new Response(null, { status: 503 }) : response;
    };

  const audit = new MemoryAuditLog();
  const store = new MemoryOrderStore(audit);
  const pushToken = () => issuer.pushToken();
  const queueNames = Object.keys(TASK_ROUTES) as QueueName[];
  const queue = new MemoryTaskQueue({
    clock,
    targets: Object.fromEntries(
      queueNames.map((q) => [q, { url: `${base}${TASK_ROUTES[q]}`, dispatch: deliver(taskTarget(q).name) }]),
    ),
    token: pushToken,
  });
  const bus = new MemoryEventBus({
    clock,
    token: pushToken,
    ...(options.busDuplicateRate !== undefined ? { duplicateRate: options.busDuplicateRate } : {}),
    ...(options.random ? { random: options.random } : {}),
  });
  // a push subscription per subscriber, delivered straight to its service (from outside, the front door's
  // `/pubsub/<service>/<topic>` reaches the same route)
  for (const sub of subscriptions()) {
    bus.subscribe({
      name: sub.service.name,
      topic: sub.topic,
      pushUrl: `${base}${PUSH_ROUTES[sub.topic]}`,
      dispatch: deliver(sub.service.name),
      eventTypes: sub.eventTypes,
    });
  }
  const schedules: Record<JobName, string> = { ...jobSchedules(defaults), ...options.jobSchedules };
  const scheduler = new MemoryScheduler({
    clock,
    token: pushToken,
    jobs: (Object.keys(JOB_ROUTES) as JobName[]).map((job) => ({
      name: job,
      schedule: schedules[job],
      timeZone: options.timeZone ?? defaults.SCHEDULER_TIME_ZONE,
      url: `${base}${JOB_ROUTES[job]}`,
      dispatch: deliver(jobTarget(job).name),
    })),
  });

  let front: Hono | null = null;
  const dispatch: Dispatch = (request) => Promise.resolve(front!.fetch(request));
  const inProcessFetch = ((input: string | URL | Request, init?: RequestInit) =>
    dispatch(toRequest(input, init))) as typeof fetch;
  if (options.sandboxThread && (options.clock || options.sandboxIds || options.webhookNetwork)) {
    throw new Error('a sandbox thread runs on the system clock with its own ids and webhooks');
  }
  const sandboxOptions = {
    ...(options.refundAutoSettleMs !== undefined ? { refundAutoSettleMs: options.refundAutoSettleMs } : {}),
    ...(options.sandboxWebhookDelayMs !== undefined ? { webhookDelayMs: options.sandboxWebhookDelayMs } : {}),
  };
  const threaded = options.sandboxThread
    ? startSandboxThread(
        { ...razorpay, webhookUrl: `${base}/webhooks/razorpay`, ...options.sandboxThread, ...sandboxOptions },
        inProcessFetch,
      )
    : null;
  const sandbox: SandboxGateway =
    threaded ??
    createSandboxGateway({
      ...razorpay,
      webhookUrl: `${base}/webhooks/razorpay`,
      clock,
      fetch: options.webhookNetwork
        ? (((input: string | URL | Request, init?: RequestInit) =>
            options.webhookNetwork!(new Request(input, init))) as typeof fetch)
        : inProcessFetch,
      ...(options.sandboxIds ? { ids: options.sandboxIds } : {}),
      logger: logger.child({ service: 'sandbox-gateway' }),
      ...sandboxOptions,
    });
  // The gateway only ever calls the sandbox: straight to its app, as the front door's `/sandbox` mount would, without
  // the front door's routing and the mount's copy of every request (a fifth of an order's CPU in the profile).
  const sandboxBase = `${base}/sandbox`;
  const gatewayFetch = ((input: string | URL | Request, init?: RequestInit) => {
    const url = input instanceof Request ? input.url : String(input);
    if (!(input instanceof Request) && url.startsWith(`${sandboxBase}/`)) {
      const path = `${base}${url.slice(sandboxBase.length)}`;
      return threaded ? threaded.fetch(path, init) : Promise.resolve(sandbox.app.fetch(toRequest(path, init)));
    }
    return inProcessFetch(input, init);
  }) as typeof fetch;
  const gateway = new RazorpayGateway({
    ...razorpay,
    baseUrl: sandboxBase,
    checkoutUrlBase: `${base}/sandbox/checkout`,
    fetch: gatewayFetch,
  });

  const operatorKey = options.operatorApiKeys ? null : `dev-finance-${ids.next('key').slice(4)}`;
  const appWebhook = options.appWebhook ?? null;
  const plainDeps: ServiceDeps = {
    orders: store,
    orderChanges: store,
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
      statusCheckIntervalSeconds: options.statusCheckIntervalSeconds ?? defaults.STATUS_CHECK_INTERVAL_SECONDS,
      paymentMaxAgeSeconds: options.paymentMaxAgeSeconds ?? defaults.PAYMENT_MAX_AGE_SECONDS,
      statusCheckBackoffAfterSeconds:
        options.statusCheckBackoffAfterSeconds ?? defaults.STATUS_CHECK_BACKOFF_AFTER_SECONDS,
      refundCheckIntervalSeconds: options.refundCheckIntervalSeconds ?? defaults.REFUND_CHECK_INTERVAL_SECONDS,
      maxTransientAttempts: options.maxTransientAttempts ?? defaults.MAX_TRANSIENT_ATTEMPTS,
      appWebhook,
      webhookToleranceSeconds: defaults.WEBHOOK_TOLERANCE_SECONDS,
    },
    accounts: options.accounts ?? new MemoryAccountStore(audit),
    audit,
    webhookIssues: new MemoryWebhookIssueStore(),
    attempts: new MemoryAttemptCounter(),
    deliveries: new MemoryDeliveryStore(),
    operatorKeys: MemoryOperatorKeyStore.fromPairs(options.operatorApiKeys ?? `finance:${operatorKey}`),
    channels: [
      new LogChannel(logger.child({ service: 'notifier' })),
      ...(appWebhook ? [new AppWebhookChannel(queue, () => clock.now())] : []),
    ],
    webhooks: new FetchWebhookPoster(),
    reconciliations: new MemoryReconciliationStore(),
    reconciliation: {
      timeZone: options.businessTimeZone ?? defaults.BUSINESS_TIME_ZONE,
      concurrency: defaults.RECONCILIATION_CONCURRENCY,
      gatewayRequestsPerSecond: options.reconciliationGatewayRps ?? defaults.RECONCILIATION_GATEWAY_RPS,
      leaseSeconds: defaults.RECONCILIATION_LEASE_SECONDS,
    },
    customerTokens: issuer.customerVerifier(),
    pushTokens: issuer.pushVerifier(),
  };
  const deps = options.decorate ? options.decorate(plainDeps) : plainDeps;
  const limits: AbuseLimits = { ...abuseLimits(defaults), ...options.limits };
  const corsOrigins = options.corsOrigins ?? [];
  for (const service of SERVICES) {
    apps.set(service.name, service.createApp({ ...deps, bodyLimitBytes, limits, corsOrigins }));
  }

  const dev = createDevRoutes(issuer);
  front = createFrontDoor({
    logger,
    forward: (service, request) => toService(service.name, request),
    internal: true,
    mounts: { '/dev': dev.fetch, '/sandbox': sandbox.app.fetch },
    page: demoPage,
    index: () => ({
      service: 'payments (embedded)',
      demo: `${base}/ (in a browser)`,
      docs: `${base}/docs`,
      openapi: `${base}/openapi.json`,
      api: `${base}/v1`,
      token: `${base}/dev/token?customerId=cust_demo`,
      sandbox: `${base}/sandbox`,
      webhooks: `${base}/webhooks/razorpay`,
    }),
  });

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
    app: front,
    fetch: dispatch,
    clock,
    deps,
    store,
    queue,
    bus,
    scheduler,
    sandbox,
    issuer,
    razorpay,
    operatorKey,
    drain,
    start() {
      queue.start(200);
      bus.start(50);
      scheduler.start(1000);
    },
    async stop() {
      sandbox.close();
      await Promise.all([queue.stop(), bus.stop(), scheduler.stop(), threaded?.terminate()]);
    },
  };
}
