import { PubSub } from '@google-cloud/pubsub';
import { type ServerType, serve } from '@hono/node-server';
import { Hono } from 'hono';
import { proxy } from 'hono/proxy';
import { createApp as createApiApp } from '../../services/api/app.ts';
import { LocalIssuer } from '../../services/embedded/local-issuer.ts';
import { createApp as createFulfillmentApp } from '../../services/fulfillment/app.ts';
import { googleDeps } from '../../services/google/deps.ts';
import { createApp as createNotifierApp } from '../../services/notifier/app.ts';
import { createApp as createRefundsApp } from '../../services/refunds/app.ts';
import { createSandboxGateway, type SandboxGateway } from '../../services/sandbox-gateway/app.ts';
import { createApp as createStatusCheckerApp } from '../../services/status-checker/app.ts';
import { createApp as createWebhooksApp } from '../../services/webhooks/app.ts';
import { JsonLogger } from '../../shared/adapters/logging/json-logger.ts';
import { SystemClock } from '../../shared/adapters/memory/clocks.ts';
import { ensurePubSubTopology } from '../../shared/adapters/pubsub/pubsub-topology.ts';
import { loadConfig } from '../../shared/config.ts';
import { AppError } from '../../shared/domain/errors.ts';
import { problem } from '../../shared/http/problem.ts';
import type { Logger } from '../../shared/ports/logger.ts';
import { publishPendingEvents } from '../../shared/use-cases/publish-events.ts';
import { startCloudTasksEmulator } from '../cloud-tasks-emulator/emulator.ts';
import { freePort, type RunningEmulator, startEmulator } from './emulators.ts';

export interface TopologyOptions {
  /** The front door's port (0 = any free one). */
  readonly port: number;
  /** Reuse running emulators (host:port); otherwise they are started here and stopped with the topology. */
  readonly firestoreHost?: string;
  readonly pubsubHost?: string;
  readonly projectId?: string;
  readonly statusCheckIntervalSeconds?: number;
  readonly paymentMaxAgeSeconds?: number;
  readonly logger?: Logger;
  readonly refundCheckIntervalSeconds?: number;
  /** The app backend that receives signed notification webhooks. */
  readonly appWebhook?: { readonly url: string; readonly secret: string };
  /** Sandbox refunds settle by themselves after this long (null: only by control). */
  readonly refundAutoSettleMs?: number | null;
}

export interface Topology {
  readonly baseUrl: string;
  readonly services: Readonly<Record<string, string>>;
  readonly sandbox: SandboxGateway;
  readonly razorpay: { readonly keyId: string; readonly keySecret: string; readonly webhookSecret: string };
  /** An operator key with the finance role. */
  readonly operatorKey: string;
  stop(): Promise<void>;
}

const RAZORPAY = {
  keyId: 'rzp_test_topology0000',
  keySecret: 'topology_key_secret_not_for_production',
  webhookSecret: 'topology_webhook_secret_not_for_production',
};
const TASKS_ACCOUNT = 'status-checks@local-topology.iam.gserviceaccount.com';
const OPERATOR_KEY = 'topology-finance-key-not-for-production';
const QUEUES = ['status-checks', 'refund-checks', 'notification-deliveries'];
const SUBSCRIBERS = ['notifier', 'fulfillment', 'refunds'] as const;

function listen(fetch: Hono['fetch'], port: number): Promise<{ server: ServerType; port: number }> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port, hostname: '127.0.0.1' }, (info) => resolve({ server, port: info.port }));
  });
}

function close(server: ServerType): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * The product as it runs on Google Cloud, on this machine: Firestore and Pub/Sub emulators, the project's Cloud Tasks
 * emulator, the sandbox gateway, and each service as its own HTTP server with its own configuration (as on Cloud
 * Run), behind a front door that routes `/v1`, `/webhooks` and `/sandbox` as the load balancer would.
 */
export async function startLocalTopology(options: TopologyOptions): Promise<Topology> {
  const logger = options.logger ?? new JsonLogger('INFO');
  const projectId = options.projectId ?? 'local-payments';
  const location = 'asia-south1';
  const queue = 'status-checks';
  const started: RunningEmulator[] = [];
  const servers: ServerType[] = [];
  let sweep: NodeJS.Timeout | null = null;
  let tasksEmulator: Awaited<ReturnType<typeof startCloudTasksEmulator>> | null = null;
  const stop = async () => {
    if (sweep) clearInterval(sweep);
    await Promise.all(servers.map(close));
    await tasksEmulator?.stop();
    await Promise.all(started.map((e) => e.stop()));
  };
  try {
    const [firestoreHost, pubsubHost] = await Promise.all(
      (['firestore', 'pubsub'] as const).map(async (name) => {
        const given = name === 'firestore' ? options.firestoreHost : options.pubsubHost;
        if (given) return given;
        const emulator = await startEmulator(name);
        started.push(emulator);
        return emulator.host;
      }),
    );
    // the Google clients read these themselves; this composition root is where they are decided
    process.env.FIRESTORE_EMULATOR_HOST = firestoreHost;
    process.env.PUBSUB_EMULATOR_HOST = pubsubHost;
    process.env.METADATA_SERVER_DETECTION = 'none';

    tasksEmulator = await startCloudTasksEmulator({
      queues: QUEUES.map((q) => `projects/${projectId}/locations/${location}/queues/${q}`),
      nameReservationMs: 60_000,
    });

    const ports = {
      api: await freePort(),
      webhooks: await freePort(),
      statusChecker: await freePort(),
      notifier: await freePort(),
      fulfillment: await freePort(),
      refunds: await freePort(),
      sandbox: await freePort(),
    };
    const url = (port: number) => `http://127.0.0.1:${port}`;
    const frontPort = options.port === 0 ? await freePort() : options.port;
    const base = `http://127.0.0.1:${frontPort}`;
    const issuer = await LocalIssuer.create(`${base}/dev`);

    const env = {
      RUNTIME: 'google',
      GOOGLE_CLOUD_PROJECT: projectId,
      RAZORPAY_KEY_ID: RAZORPAY.keyId,
      RAZORPAY_KEY_SECRET: RAZORPAY.keySecret,
      RAZORPAY_WEBHOOK_SECRET: RAZORPAY.webhookSecret,
      RAZORPAY_BASE_URL: url(ports.sandbox),
      CHECKOUT_URL_BASE: `${base}/sandbox/checkout`,
      AUTH_ISSUER: issuer.issuer,
      AUTH_AUDIENCE: LocalIssuer.CUSTOMER_AUDIENCE,
      AUTH_JWKS_URL: `${base}/dev/jwks.json`,
      STATUS_CHECKER_URL: url(ports.statusChecker),
      REFUNDS_URL: url(ports.refunds),
      NOTIFIER_URL: url(ports.notifier),
      OPERATOR_API_KEYS: `finance:${OPERATOR_KEY}`,
      ...(options.appWebhook
        ? { APP_WEBHOOK_URL: options.appWebhook.url, APP_WEBHOOK_SECRET: options.appWebhook.secret }
        : {}),
      REFUND_CHECK_INTERVAL_SECONDS: String(options.refundCheckIntervalSeconds ?? 900),
      CLOUD_TASKS_EMULATOR_HOST: tasksEmulator.endpoint,
      TASKS_LOCATION: location,
      TASKS_STATUS_QUEUE: queue,
      TASKS_SERVICE_ACCOUNT: TASKS_ACCOUNT,
      PUSH_OIDC_ISSUER: tasksEmulator.issuer,
      PUSH_OIDC_JWKS_URL: tasksEmulator.jwksUrl,
      PUSH_OIDC_AUDIENCE: url(ports.statusChecker),
      PUSH_SERVICE_ACCOUNT: TASKS_ACCOUNT,
      STATUS_CHECK_INTERVAL_SECONDS: String(options.statusCheckIntervalSeconds ?? 900),
      PAYMENT_MAX_AGE_SECONDS: String(options.paymentMaxAgeSeconds ?? 172_800),
    };
    const configFor = (service: string, extra: Record<string, string> = {}) =>
      loadConfig({ ...env, SERVICE: service, ...extra });
    const depsFor = (service: string, extra?: Record<string, string>) => {
      const config = configFor(service, extra);
      return { deps: googleDeps(config, logger.child({ service })), config };
    };

    const api = depsFor('api');
    const webhooks = depsFor('webhooks');
    const checker = depsFor('status-checker');
    // the Pub/Sub emulator sends no OIDC token with its pushes: the subscribers' check is off here, never in production
    const notifier = depsFor('notifier', { PUSH_AUTH: 'none' });
    const fulfillment = depsFor('fulfillment', { PUSH_AUTH: 'none' });
    const refunds = depsFor('refunds', { PUSH_AUTH: 'none' });
    const limit = api.config.BODY_LIMIT_BYTES;

    const sandbox = createSandboxGateway({
      ...RAZORPAY,
      webhookUrl: `${base}/webhooks/razorpay`,
      clock: new SystemClock(),
      logger: logger.child({ service: 'sandbox-gateway' }),
      refundAutoSettleMs: options.refundAutoSettleMs === undefined ? 1000 : options.refundAutoSettleMs,
    });

    for (const [fetch, port] of [
      [createApiApp({ ...api.deps, bodyLimitBytes: limit }).fetch, ports.api],
      [createWebhooksApp({ ...webhooks.deps, bodyLimitBytes: limit }).fetch, ports.webhooks],
      [createStatusCheckerApp({ ...checker.deps, bodyLimitBytes: limit }).fetch, ports.statusChecker],
      [createNotifierApp({ ...notifier.deps, bodyLimitBytes: limit }).fetch, ports.notifier],
      [createFulfillmentApp({ ...fulfillment.deps, bodyLimitBytes: limit }).fetch, ports.fulfillment],
      [createRefundsApp({ ...refunds.deps, bodyLimitBytes: limit }).fetch, ports.refunds],
      [sandbox.app.fetch, ports.sandbox],
    ] as const) {
      servers.push((await listen(fetch, port)).server);
    }

    await ensurePubSubTopology(new PubSub({ projectId }), {
      topics: [api.config.PAYMENT_EVENTS_TOPIC],
      subscriptions: SUBSCRIBERS.map((name) => ({
        name: `${name}-payment-events`,
        topic: api.config.PAYMENT_EVENTS_TOPIC,
        pushEndpoint: `${url(ports[name])}/pubsub/payment-events`,
        deadLetterTopic: `${api.config.PAYMENT_EVENTS_TOPIC}-dead-letter`,
        ackDeadlineSeconds: 10,
      })),
      omitDeadLetterPolicy: true,
    });

    const front = new Hono();
    const forward =
      (target: string, strip = '') =>
      (c: { req: { raw: Request; url: string } }) => {
        const incoming = new URL(c.req.url);
        return proxy(`${target}${incoming.pathname.slice(strip.length)}${incoming.search}`, { raw: c.req.raw });
      };
    front.all('/v1/*', forward(url(ports.api)));
    front.all('/webhooks/*', forward(url(ports.webhooks)));
    front.all('/sandbox/*', forward(url(ports.sandbox), '/sandbox'));
    front.get('/dev/jwks.json', (c) => c.json(issuer.jwks));
    front.get('/dev/token', async (c) => {
      const customerId = c.req.query('customerId') ?? '';
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(customerId)) {
        return problem(new AppError('validation', 'customerId: 1–64 letters, digits, _ or -'));
      }
      return c.json({ token: await issuer.customerToken(customerId), tokenType: 'Bearer', expiresIn: 3600 });
    });
    front.get('/healthz', (c) => c.json({ ok: true }));
    front.notFound((c) =>
      problem(new AppError('not-found', `no route for ${c.req.method} ${new URL(c.req.url).pathname}`)),
    );
    servers.push((await listen(front.fetch, frontPort)).server);

    // stands in for the Cloud Scheduler job that calls the status-checker's /tasks/sweep-outbox every minute
    sweep = setInterval(() => void publishPendingEvents(checker.deps).catch(() => undefined), 2000);
    sweep.unref();

    return {
      baseUrl: base,
      services: {
        api: url(ports.api),
        webhooks: url(ports.webhooks),
        statusChecker: url(ports.statusChecker),
        notifier: url(ports.notifier),
        fulfillment: url(ports.fulfillment),
        refunds: url(ports.refunds),
        sandbox: url(ports.sandbox),
        cloudTasksEmulator: tasksEmulator.endpoint,
        firestoreEmulator: firestoreHost!,
        pubsubEmulator: pubsubHost!,
      },
      sandbox,
      razorpay: RAZORPAY,
      operatorKey: OPERATOR_KEY,
      async stop() {
        sandbox.close();
        await stop();
      },
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
