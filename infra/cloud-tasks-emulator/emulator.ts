import { cloudSchedulerApi, cloudTasksApi } from './api-handlers.ts';
import { sendAttempt } from './dispatcher.ts';
import { startGrpcServer } from './grpc-server.ts';
import { startHttpServer } from './http-server.ts';
import { JobRunner } from './job-runner.ts';
import { locationsApi } from './locations-api.ts';
import { jsonLines, type LogSink, silent } from './log.ts';
import { parseQueueName } from './names.ts';
import { createOidcKeys } from './oidc.ts';
import { loadRestServices, loadServiceDefinitions } from './proto.ts';
import { createRestGateway } from './rest-gateway.ts';
import { TaskScheduler } from './scheduler.ts';
import { CloudSchedulerService } from './scheduler-service.ts';
import { CloudTasksService } from './service.ts';
import { renderStatusPage } from './status-page.ts';

export type { LogEntry, LogSink } from './log.ts';

export interface CloudTasksEmulatorOptions {
  /** Interface both servers bind to. Default 127.0.0.1. */
  readonly host?: string;
  /** gRPC port (Cloud Tasks and Cloud Scheduler); 0 = ephemeral. Default 0. */
  readonly port?: number;
  /** HTTP port (REST APIs, status page, JWKS, OpenID discovery); 0 = ephemeral. Default 0. */
  readonly httpPort?: number;
  /**
   * `iss` of the OIDC tokens. Default: the emulator's own HTTP base URL (`http://HOST:HTTP_PORT`), so that a token
   * from the emulator can never pass for one from Google (`https://accounts.google.com`), nor the reverse.
   */
  readonly issuer?: string;
  /** How long a task name stays taken after the task completed or was deleted. Default 1 h, as in production. */
  readonly nameReservationMs?: number;
  /** How long a deleted queue's name cannot be used again. Default 7 days, as in production. */
  readonly queueNameReservationMs?: number;
  /** Queues to create at start, as full names `projects/P/locations/L/queues/Q` (default RetryConfig). */
  readonly queues?: readonly string[];
  /** Location ids the Locations API lists for every project, besides those in use. Default `['us-central1']`. */
  readonly locations?: readonly string[];
  /** `true` = JSON lines on stdout; a function receives each entry. Default silent. */
  readonly log?: boolean | LogSink;
}

export interface CloudTasksEmulator {
  readonly host: string;
  readonly grpcPort: number;
  readonly httpPort: number;
  /** `host:port` of the gRPC APIs, e.g. for `createCloudTasksClient({ emulatorHost })`. */
  readonly endpoint: string;
  /** `http://host:httpPort/`: the REST root, what `CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDTASKS` / `…_CLOUDSCHEDULER` take. */
  readonly restEndpoint: string;
  readonly jwksUrl: string;
  readonly issuer: string;
  stop(): Promise<void>;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * Starts Cloud Tasks v2 and Cloud Scheduler v1 in memory: both over gRPC on one port and over REST on another, which
 * also serves the status page and the OIDC keys that sign dispatched requests.
 */
export async function startCloudTasksEmulator(options: CloudTasksEmulatorOptions = {}): Promise<CloudTasksEmulator> {
  const host = options.host ?? '127.0.0.1';
  const log: LogSink = options.log === true ? jsonLines : options.log ? options.log : silent;
  const stopping = new AbortController();
  const keys = await createOidcKeys();

  // The issuer and JWKS URL depend on the HTTP port, known once the HTTP server listens (before any dispatch).
  let urls = { issuer: '', jwksUrl: '' };
  const idToken = (serviceAccountEmail: string, audience: string) =>
    keys.signIdToken({ issuer: urls.issuer, serviceAccountEmail, audience });
  const send = (attempt: Parameters<typeof sendAttempt>[0]) => sendAttempt(attempt, stopping.signal);

  const tasks = new CloudTasksService({
    nameReservationMs: options.nameReservationMs ?? HOUR_MS,
    queueNameReservationMs: options.queueNameReservationMs ?? 7 * DAY_MS,
    now: Date.now,
    log,
  });
  tasks.attach(
    new TaskScheduler({
      now: Date.now,
      send,
      idToken,
      isLive: (task) => tasks.isLive(task),
      finish: (task) => tasks.remove(task),
      log,
    }),
  );
  const scheduler = new CloudSchedulerService({ now: Date.now, log });
  scheduler.attach(new JobRunner({ now: Date.now, send, idToken, isLive: (job) => scheduler.isLive(job), log }));
  for (const name of options.queues ?? []) {
    tasks.createQueue({ parent: parseQueueName(name).location, queue: { name } });
  }

  const apis = { tasks: cloudTasksApi(tasks), scheduler: cloudSchedulerApi(scheduler) };
  const [restTasks, restScheduler] = loadRestServices();
  const gateway = createRestGateway(
    [
      { service: restTasks!, api: apis.tasks },
      { service: restScheduler!, api: apis.scheduler },
    ],
    log,
  );
  const defaultLocations = options.locations ?? ['us-central1'];
  const locations = locationsApi((project) => [
    ...defaultLocations,
    ...[...tasks.locations(), ...scheduler.locations()]
      .filter((name) => name.startsWith(`${project}/`))
      .map((name) => name.split('/')[3]!),
  ]);

  const httpServer = await startHttpServer({
    host,
    port: options.httpPort ?? 0,
    jwks: keys.jwks,
    discovery: () => urls,
    page: () => renderStatusPage({ queues: tasks.allQueues(), jobs: scheduler.allJobs(), nowMs: Date.now() }),
    rest: (request) => locations(request) ?? gateway(request),
    log,
  });
  const baseUrl = `http://${urlHost(host)}:${httpServer.port}`;
  urls = { issuer: options.issuer ?? baseUrl, jwksUrl: `${baseUrl}/jwks.json` };

  let grpcServer: Awaited<ReturnType<typeof startGrpcServer>>;
  try {
    const definitions = loadServiceDefinitions();
    grpcServer = await startGrpcServer(
      [
        { definition: definitions.tasks, api: apis.tasks },
        { definition: definitions.scheduler, api: apis.scheduler },
      ],
      { host, port: options.port ?? 0, log },
    );
  } catch (error) {
    await httpServer.close();
    throw error;
  }
  const endpoint = `${urlHost(host)}:${grpcServer.port}`;
  const restEndpoint = `${baseUrl}/`;
  log({
    severity: 'INFO',
    message: 'Cloud Tasks + Cloud Scheduler emulator listening',
    endpoint,
    restEndpoint,
    jwksUrl: urls.jwksUrl,
    issuer: urls.issuer,
  });

  let stopped: Promise<void> | undefined;
  return {
    host,
    grpcPort: grpcServer.port,
    httpPort: httpServer.port,
    endpoint,
    restEndpoint,
    jwksUrl: urls.jwksUrl,
    issuer: urls.issuer,
    stop() {
      stopped ??= (async () => {
        tasks.stop();
        scheduler.stop();
        stopping.abort();
        await Promise.all([grpcServer.stop(), httpServer.close()]);
        log({ severity: 'INFO', message: 'Cloud Tasks + Cloud Scheduler emulator stopped' });
      })();
      return stopped;
    },
  };
}

/** The same emulator under the name that says what it is now: local Cloud Tasks and Cloud Scheduler. */
export const startLocalCloudEmulator = startCloudTasksEmulator;

/** The address clients use: a wildcard bind is reached through loopback; IPv6 literals need brackets in URLs. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
