/**
 * Local Cloud Tasks + Cloud Scheduler emulator CLI.
 *
 *   npm run tasks-emulator -- --port 8123 --http-port 8124 --queue projects/local/locations/us-central1/queues/status-checks
 *   npm run gcloud-emulator   (the same)
 *
 * Options:
 *   --host H                       interface to bind (default 127.0.0.1; 0.0.0.0 inside a container)
 *   --port N                       gRPC port, Cloud Tasks v2 + Cloud Scheduler v1 (default 8123)
 *   --http-port N                  HTTP port: REST APIs, status page, JWKS, OpenID discovery (default 8124)
 *   --issuer URL                   `iss` of the OIDC tokens (default http://HOST:HTTP_PORT)
 *   --queue NAME                   create this queue at start; repeatable
 *   --location ID                  location the Locations API lists besides those in use; repeatable (default us-central1)
 *   --name-reservation-ms N        how long a task name stays taken after completion/deletion (default 3600000)
 *   --queue-reservation-ms N       how long a deleted queue's name stays taken (default 604800000 = 7 days)
 */
import { parseArgs } from 'node:util';
import { startCloudTasksEmulator } from './emulator.ts';
import { jsonLines } from './log.ts';

const USAGE =
  'Usage: tsx infra/cloud-tasks-emulator/main.ts [--host H] [--port N] [--http-port N] [--issuer URL] ' +
  '[--queue projects/P/locations/L/queues/Q]... [--location ID]... [--name-reservation-ms N] [--queue-reservation-ms N]';

let values: ReturnType<typeof parse>['values'];
function parse() {
  return parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '8123' },
      'http-port': { type: 'string', default: '8124' },
      issuer: { type: 'string' },
      queue: { type: 'string', multiple: true, default: [] },
      location: { type: 'string', multiple: true },
      'name-reservation-ms': { type: 'string' },
      'queue-reservation-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
}
try {
  values = parse().values;
} catch (error) {
  console.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  process.exit(2);
}

if (values.help) {
  console.log(USAGE);
  process.exit(0);
}

function integerOption(name: string, value: string, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) {
    console.error(`--${name} must be an integer between 0 and ${max}, got "${value}"`);
    process.exit(2);
  }
  return n;
}

const optionalMs = (name: 'name-reservation-ms' | 'queue-reservation-ms') =>
  values[name] === undefined ? undefined : integerOption(name, values[name], Number.MAX_SAFE_INTEGER);

try {
  const nameReservationMs = optionalMs('name-reservation-ms');
  const queueNameReservationMs = optionalMs('queue-reservation-ms');
  const emulator = await startCloudTasksEmulator({
    host: values.host,
    port: integerOption('port', values.port, 65535),
    httpPort: integerOption('http-port', values['http-port'], 65535),
    ...(values.issuer ? { issuer: values.issuer } : {}),
    ...(nameReservationMs === undefined ? {} : { nameReservationMs }),
    ...(queueNameReservationMs === undefined ? {} : { queueNameReservationMs }),
    ...(values.location?.length ? { locations: values.location } : {}),
    queues: values.queue,
    log: jsonLines,
  });
  // stdout carries only JSON log lines (one of them says where it listens); this hint for humans goes to stderr.
  console.error(
    `Cloud Tasks + Cloud Scheduler emulator: status page ${emulator.restEndpoint}\n` +
      `  Node clients: CLOUD_TASKS_EMULATOR_HOST=${emulator.endpoint} ` +
      `PUSH_OIDC_ISSUER=${emulator.issuer} PUSH_OIDC_JWKS_URL=${emulator.jwksUrl}\n` +
      `  gcloud: CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDTASKS=${emulator.restEndpoint} ` +
      `CLOUDSDK_API_ENDPOINT_OVERRIDES_CLOUDSCHEDULER=${emulator.restEndpoint} CLOUDSDK_AUTH_DISABLE_CREDENTIALS=true`,
  );

  const shutdown = (signal: string) => {
    jsonLines({ severity: 'INFO', message: `received ${signal}, stopping` });
    emulator.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
} catch (error) {
  jsonLines({
    severity: 'ERROR',
    message: 'Cloud Tasks + Cloud Scheduler emulator failed to start',
    error: String(error),
  });
  process.exit(1);
}
