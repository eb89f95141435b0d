import { resolve } from 'node:path';
import { PubSub } from '@google-cloud/pubsub';
import { type ServerType, serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { proxy } from 'hono/proxy';
import {
  eventTypeFilter,
  jobSchedules,
  jobTarget,
  SERVICES,
  subscriptions,
} from '../../services/catalogue/catalogue.ts';
import { createFrontDoor } from '../../services/catalogue/front-door.ts';
import { DEV_RAZORPAY_KEYS, type RazorpayKeys } from '../../services/dev/dev-keys.ts';
import { createDevRoutes } from '../../services/dev/dev-routes.ts';
import { LocalIssuer } from '../../services/dev/local-issuer.ts';
import { createSandboxGateway, type SandboxGateway } from '../../services/sandbox-gateway/app.ts';
import { createSchedulerClient, ensureSchedulerJobs } from '../../shared/adapters/cloud-scheduler/scheduler-jobs.ts';
import { LocalKeyFile } from '../../shared/adapters/crypto/local-key-file.ts';
import { JsonLogger } from '../../shared/adapters/logging/json-logger.ts';
import { SystemClock } from '../../shared/adapters/memory/clocks.ts';
import { ensurePubSubTopology } from '../../shared/adapters/pubsub/pubsub-topology.ts';
import { type EmbeddedConfig, loadConfig } from '../../shared/config.ts';
import { AppError } from '../../shared/domain/errors.ts';
import { problem } from '../../shared/http/problem.ts';
import { JOB_ROUTES, type JobName, PUSH_ROUTES, TASK_ROUTES } from '../../shared/http/routes.ts';
import { sendSecurityHeaders } from '../../shared/http/security-headers.ts';
import type { Logger } from '../../shared/ports/logger.ts';
import { startCloudTasksEmulator } from '../cloud-tasks-emulator/emulator.ts';
import { freePort, type RunningEmulator, startEmulator } from './emulators.ts';
import { type ServiceProcess, serviceProcess } from './service-process.ts';

export interface TopologyOptions {
  /** The front door's port (0 = any free one). */
  readonly port: number;
  /** The front door's interface (default 127.0.0.1: it serves /dev and /sandbox). */
  readonly host?: string;
  /** Reuse running emulators (host:port); otherwise they are started here and stopped with the topology. */
  readonly firestoreHost?: string;
  readonly pubsubHost?: string;
  readonly projectId?: string;
  /**
   * The product's settings, as `npm start` takes them (STATUS_CHECK_…, PAYMENT_MAX_AGE_SECONDS, OPERATOR_API_KEYS,
   * APP_WEBHOOK_…, LOG_LEVEL, …): handed to every service process. Unset keys take shared/config.ts's defaults.
   */
  readonly settings?: Readonly<Record<string, string | undefined>>;
  readonly logger?: Logger;
  /** Sandbox refunds settle by themselves after this long (null: only by control). */
  readonly refundAutoSettleMs?: number | null;
  /**
   * Environment for one service over what the topology gives it, by service name: the crash tests point a single
   * service's gateway or Pub/Sub at a proxy they can hold, to stop it at an exact point of its work.
   */
  readonly serviceEnv?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Node flags for some services' processes (benches: `{ reconciler: ['--trace-gc'] }`). */
  readonly nodeArgs?: Readonly<Record<string, readonly string[]>>;
}

export interface Topology {
  readonly baseUrl: string;
  /** Where each part listens: every service of the catalogue, the sandbox and the emulators. */
  readonly services: Readonly<Record<string, string>>;
  /** Each service's process, to stop (or kill) and start again. */
  readonly processes: ReadonlyMap<string, ServiceProcess>;
  /** `projects/P/locations/L`: where the topology's Cloud Scheduler jobs live in the emulator. */
  readonly schedulerParent: string;
  readonly sandbox: SandboxGateway;
  readonly razorpay: RazorpayKeys;
  /** An operator key with the finance role (the configured one's first finance key, or a development key). */
  readonly operatorKey: string | null;
  /** The local key file the services wrap their data keys with (LOCAL_KEY_FILE), as an absolute path. */
  readonly keyFile: string;
  stop(): Promise<void>;
}

/** The service account the local Cloud Tasks (and Scheduler) sign their OIDC tokens for. */
const PUSH_ACCOUNT = 'pusher@local-topology.iam.gserviceaccount.com';
const DEV_OPERATOR_KEY = 'topology-finance-key-not-for-production';
/** Settings the topology passes on to each service as they are. */
const PASSED_ON = [
  'STATUS_CHECK_INTERVAL_SECONDS',
  'PAYMENT_MAX_AGE_SECONDS',
  'STATUS_CHECK_BACKOFF_AFTER_SECONDS',
  'REFUND_CHECK_INTERVAL_SECONDS',
  'MAX_TRANSIENT_ATTEMPTS',
  'APP_WEBHOOK_URL',
  'APP_WEBHOOK_SECRET',
  'OPERATOR_API_KEYS',
  'BODY_LIMIT_BYTES',
  'LOG_LEVEL',
  'TASKS_LOCATION',
  'PAYMENT_EVENTS_TOPIC',
  'TOKEN_MAX_LIFETIME_SECONDS',
  'TOKEN_CLOCK_SKEW_SECONDS',
  'RAZORPAY_WEBHOOK_SECRET_PREVIOUS',
  'WEBHOOK_TOLERANCE_SECONDS',
  'RATE_LIMIT_CUSTOMER_PER_MINUTE',
  'RATE_LIMIT_IP_PER_MINUTE',
  'RATE_LIMIT_OPERATOR_PER_MINUTE',
  'RATE_LIMIT_AUTH_FAILURES_PER_MINUTE',
  'MAX_OPEN_ORDERS_PER_CUSTOMER',
  'CORS_ORIGINS',
  'BUSINESS_TIME_ZONE',
  'RECONCILIATION_CONCURRENCY',
  'RECONCILIATION_GATEWAY_RPS',
  'RECONCILIATION_LEASE_SECONDS',
] as const;

function listen(fetch: Hono['fetch'], port: number, hostname: string): Promise<ServerType> {
  return new Promise((resolve) => {
    const server = sendSecurityHeaders(serve({ fetch, port, hostname }, () => resolve(server)));
  });
}

function close(server: ServerType): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * The product as it runs on Google Cloud, on this machine: Firestore and Pub/Sub emulators, the project's Cloud Tasks
 * emulator, and every service of the catalogue as its own Node process started through the Cloud Run entry point
 * (`SERVICE=<name>`) with its own environment, behind a front door that routes public paths as the load balancer
 * would. The sandbox gateway and the development token issuer run in this process: they are not Google services.
 */
export async function startLocalTopology(options: TopologyOptions): Promise<Topology> {
  const logger = options.logger ?? new JsonLogger('INFO');
  const settings: EmbeddedConfig = (() => {
    const parsed = loadConfig({ ...options.settings, RUNTIME: 'embedded' });
    if (parsed.RUNTIME !== 'embedded') throw new Error('unreachable');
    return parsed;
  })();
  const projectId = options.projectId ?? 'local-payments';
  const location = settings.TASKS_LOCATION;
  const started: RunningEmulator[] = [];
  const servers: ServerType[] = [];
  const processes = new Map<string, ServiceProcess>();
  let tasksEmulator: Awaited<ReturnType<typeof startCloudTasksEmulator>> | null = null;
  let sandbox: SandboxGateway | null = null;
  const stop = async () => {
    sandbox?.close();
    await Promise.all([...processes.values()].map((p) => p.stop('SIGTERM')));
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
    tasksEmulator = await startCloudTasksEmulator({
      queues: Object.keys(TASK_ROUTES).map((q) => `projects/${projectId}/locations/${location}/queues/${q}`),
      nameReservationMs: 60_000,
    });

    const url = (port: number) => `http://127.0.0.1:${port}`;
    const ports = new Map<string, number>();
    for (const service of SERVICES) ports.set(service.name, await freePort());
    const sandboxPort = await freePort();
    const frontPort = options.port === 0 ? await freePort() : options.port;
    const host = options.host ?? '127.0.0.1';
    const base = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${frontPort}`;
    const issuer = await LocalIssuer.create(`${base}/dev`);
    const razorpay: RazorpayKeys =
      settings.RAZORPAY_KEY_ID && settings.RAZORPAY_KEY_SECRET && settings.RAZORPAY_WEBHOOK_SECRET
        ? {
            keyId: settings.RAZORPAY_KEY_ID,
            keySecret: settings.RAZORPAY_KEY_SECRET,
            webhookSecret: settings.RAZORPAY_WEBHOOK_SECRET,
          }
        : DEV_RAZORPAY_KEYS;
    const operatorKeys = settings.OPERATOR_API_KEYS ?? `finance:${DEV_OPERATOR_KEY}`;
    const operatorKey =
      operatorKeys
        .split(',')
        .map((pair) => pair.trim())
        .find((pair) => pair.startsWith('finance:'))
        ?.slice('finance:'.length) ?? null;

    // the key-encryption key: a local file standing in for Cloud KMS, made before the services race to create it
    const keyFile = resolve(settings.LOCAL_KEY_FILE ?? '.keys/payments-kek.json');
    await LocalKeyFile.open(keyFile);

    // what every service's container would be given, as strings, exactly as Cloud Run passes its environment
    const common: Record<string, string> = {
      LOCAL_KEY_FILE: keyFile,
      RUNTIME: 'google',
      HOST: '127.0.0.1',
      GOOGLE_CLOUD_PROJECT: projectId,
      FIRESTORE_EMULATOR_HOST: firestoreHost!,
      PUBSUB_EMULATOR_HOST: pubsubHost!,
      METADATA_SERVER_DETECTION: 'none',
      CLOUD_TASKS_EMULATOR_HOST: tasksEmulator.endpoint,
      RAZORPAY_KEY_ID: razorpay.keyId,
      RAZORPAY_KEY_SECRET: razorpay.keySecret,
      RAZORPAY_WEBHOOK_SECRET: razorpay.webhookSecret,
      RAZORPAY_BASE_URL: url(sandboxPort),
      CHECKOUT_URL_BASE: `${base}/sandbox/checkout`,
      AUTH_ISSUER: issuer.issuer,
      AUTH_AUDIENCE: LocalIssuer.CUSTOMER_AUDIENCE,
      AUTH_JWKS_URL: `${base}/dev/jwks.json`,
      SERVICE_URLS: [...ports].map(([name, port]) => `${name}=${url(port)}`).join(','),
      TASKS_SERVICE_ACCOUNT: PUSH_ACCOUNT,
      PUSH_OIDC_ISSUER: tasksEmulator.issuer,
      PUSH_OIDC_JWKS_URL: tasksEmulator.jwksUrl,
      PUSH_SERVICE_ACCOUNT: PUSH_ACCOUNT,
      OPERATOR_API_KEYS: operatorKeys,
      PRINT_WALKTHROUGH: 'false',
    };
    for (const key of PASSED_ON) {
      const value = options.settings?.[key];
      if (value !== undefined && value !== '' && key !== 'OPERATOR_API_KEYS') common[key] = value;
    }
    for (const service of SERVICES) {
      const port = ports.get(service.name)!;
      processes.set(
        service.name,
        serviceProcess({
          name: service.name,
          port,
          logger,
          nodeArgs: options.nodeArgs?.[service.name] ?? [],
          env: {
            ...common,
            PUSH_OIDC_AUDIENCE: url(port),
            // the Pub/Sub emulator sends no OIDC token with its pushes: subscribers' check is off here, never on Google
            ...(service.subscribes.length > 0 ? { PUSH_AUTH: 'none' } : {}),
            ...options.serviceEnv?.[service.name],
          },
        }),
      );
    }
    await Promise.all([...processes.values()].map((p) => p.start()));

    sandbox = createSandboxGateway({
      ...razorpay,
      webhookUrl: `${base}/webhooks/razorpay`,
      clock: new SystemClock(),
      logger: logger.child({ service: 'sandbox-gateway' }),
      refundAutoSettleMs: options.refundAutoSettleMs === undefined ? 1000 : options.refundAutoSettleMs,
    });
    servers.push(await listen(sandbox.app.fetch, sandboxPort, '127.0.0.1'));

    await ensurePubSubTopology(new PubSub({ projectId, apiEndpoint: pubsubHost! }), {
      topics: [settings.PAYMENT_EVENTS_TOPIC],
      subscriptions: subscriptions().map((sub) => ({
        name: sub.name,
        topic: sub.topic === 'payment-events' ? settings.PAYMENT_EVENTS_TOPIC : sub.topic,
        pushEndpoint: `${url(ports.get(sub.service.name)!)}${PUSH_ROUTES[sub.topic]}`,
        deadLetterTopic: `${settings.PAYMENT_EVENTS_TOPIC}-dead-letter`,
        ackDeadlineSeconds: 10,
        filter: eventTypeFilter(sub.eventTypes),
      })),
      omitDeadLetterPolicy: true,
    });

    // the scheduled jobs, created in the emulator's Cloud Scheduler exactly as the infra apply creates them on Google
    // Cloud; the emulator fires them on their schedule with an OIDC token the target verifies
    const scheduler = createSchedulerClient({ emulatorHost: tasksEmulator.endpoint });
    const schedules = jobSchedules(settings);
    await ensureSchedulerJobs(
      scheduler,
      `projects/${projectId}/locations/${location}`,
      (Object.keys(JOB_ROUTES) as JobName[]).map((job) => {
        const target = url(ports.get(jobTarget(job).name)!);
        return {
          id: job,
          schedule: schedules[job],
          timeZone: settings.SCHEDULER_TIME_ZONE,
          uri: `${target}${JOB_ROUTES[job]}`,
          serviceAccountEmail: PUSH_ACCOUNT,
          audience: target,
        };
      }),
    );
    await scheduler.close();

    const dev = createDevRoutes(issuer);
    const front = createFrontDoor({
      logger,
      forward: async (service, request) => {
        const incoming = new URL(request.url);
        try {
          return await proxy(`${url(ports.get(service.name)!)}${incoming.pathname}${incoming.search}`, {
            raw: request,
          });
        } catch (error) {
          // the service's process is down (killed, restarting): a load balancer's 502, not an unhandled 500
          logger.log('WARNING', 'front door: service not answering', { service: service.name, error });
          return problem(
            new AppError('upstream-failed', `the ${service.name} service is not answering; try again shortly`),
          );
        }
      },
      internal: false,
      mounts: { '/dev': dev.fetch, '/sandbox': sandbox.app.fetch },
    });
    servers.push(await listen(front.fetch, frontPort, host));

    return {
      baseUrl: base,
      services: {
        ...Object.fromEntries([...ports].map(([name, port]) => [name, url(port)])),
        sandbox: url(sandboxPort),
        cloudTasksEmulator: tasksEmulator.endpoint,
        firestoreEmulator: firestoreHost!,
        pubsubEmulator: pubsubHost!,
      },
      processes,
      schedulerParent: `projects/${projectId}/locations/${location}`,
      sandbox,
      razorpay,
      operatorKey,
      keyFile,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
