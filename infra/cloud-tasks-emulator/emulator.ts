import { sendAttempt } from './dispatcher.ts';
import { startGrpcServer } from './grpc-server.ts';
import { startJwksServer } from './jwks-server.ts';
import { jsonLines, type LogSink, silent } from './log.ts';
import { parseQueueName } from './names.ts';
import { createOidcKeys } from './oidc.ts';
import { TaskScheduler } from './scheduler.ts';
import { CloudTasksService } from './service.ts';

export type { LogEntry, LogSink } from './log.ts';

export interface CloudTasksEmulatorOptions {
  /** Interface both servers bind to. Default 127.0.0.1. */
  readonly host?: string;
  /** gRPC (API) port; 0 = ephemeral. Default 0. */
  readonly port?: number;
  /** HTTP port serving the JWKS and OpenID discovery document; 0 = ephemeral. Default 0. */
  readonly httpPort?: number;
  /**
   * `iss` of the OIDC tokens. Default: the emulator's own HTTP base URL (`http://HOST:HTTP_PORT`), so that a token
   * from the emulator can never pass for one from Google (`https://accounts.google.com`), nor the reverse.
   */
  readonly issuer?: string;
  /** How long a task name stays taken after the task completed or was deleted. Default 1 h, as in production. */
  readonly nameReservationMs?: number;
  /** Queues to create at start, as full names `projects/P/locations/L/queues/Q` (default RetryConfig). */
  readonly queues?: readonly string[];
  /** `true` = JSON lines on stdout; a function receives each entry. Default silent. */
  readonly log?: boolean | LogSink;
}

export interface CloudTasksEmulator {
  readonly host: string;
  readonly grpcPort: number;
  readonly httpPort: number;
  /** `host:port` of the gRPC API, e.g. for `createCloudTasksClient({ emulatorHost })`. */
  readonly endpoint: string;
  readonly jwksUrl: string;
  readonly issuer: string;
  stop(): Promise<void>;
}

const HOUR_MS = 3_600_000;

export async function startCloudTasksEmulator(options: CloudTasksEmulatorOptions = {}): Promise<CloudTasksEmulator> {
  const host = options.host ?? '127.0.0.1';
  const log: LogSink = options.log === true ? jsonLines : options.log ? options.log : silent;
  const stopping = new AbortController();
  const keys = await createOidcKeys();

  // The issuer and JWKS URL depend on the HTTP port, known once the side server listens (before any dispatch).
  let urls = { issuer: '', jwksUrl: '' };

  const service = new CloudTasksService({
    nameReservationMs: options.nameReservationMs ?? HOUR_MS,
    now: Date.now,
    log,
  });
  service.attach(
    new TaskScheduler({
      now: Date.now,
      send: (attempt) => sendAttempt(attempt, stopping.signal),
      idToken: (serviceAccountEmail, audience) =>
        keys.signIdToken({ issuer: urls.issuer, serviceAccountEmail, audience }),
      isLive: (task) => service.isLive(task),
      finish: (task) => service.remove(task),
      log,
    }),
  );
  for (const name of options.queues ?? []) {
    service.createQueue({ parent: parseQueueName(name).location, queue: { name } });
  }

  const jwksServer = await startJwksServer({
    host,
    port: options.httpPort ?? 0,
    jwks: keys.jwks,
    discovery: () => urls,
  });
  const baseUrl = `http://${urlHost(host)}:${jwksServer.port}`;
  urls = { issuer: options.issuer ?? baseUrl, jwksUrl: `${baseUrl}/jwks.json` };

  let grpcServer: Awaited<ReturnType<typeof startGrpcServer>>;
  try {
    grpcServer = await startGrpcServer(service, { host, port: options.port ?? 0, log });
  } catch (error) {
    await jwksServer.close();
    throw error;
  }
  const endpoint = `${urlHost(host)}:${grpcServer.port}`;
  log({
    severity: 'INFO',
    message: 'Cloud Tasks emulator listening',
    endpoint,
    jwksUrl: urls.jwksUrl,
    issuer: urls.issuer,
  });

  let stopped: Promise<void> | undefined;
  return {
    host,
    grpcPort: grpcServer.port,
    httpPort: jwksServer.port,
    endpoint,
    jwksUrl: urls.jwksUrl,
    issuer: urls.issuer,
    stop() {
      stopped ??= (async () => {
        service.stop();
        stopping.abort();
        await Promise.all([grpcServer.stop(), jwksServer.close()]);
        log({ severity: 'INFO', message: 'Cloud Tasks emulator stopped' });
      })();
      return stopped;
    },
  };
}

/** The address clients use: a wildcard bind is reached through loopback; IPv6 literals need brackets in URLs. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
