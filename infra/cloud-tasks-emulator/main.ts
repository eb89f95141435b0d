/**
 * Cloud Tasks emulator CLI.
 *
 *   npm run tasks-emulator -- --port 8123 --http-port 8124 --queue projects/local/locations/us-central1/queues/status-checks
 *
 * Options:
 *   --host H                 interface to bind (default 127.0.0.1; 0.0.0.0 inside a container)
 *   --port N                 gRPC API port (default 8123)
 *   --http-port N            HTTP port for /jwks.json and /.well-known/openid-configuration (default 8124)
 *   --issuer URL             `iss` of the OIDC tokens (default http://HOST:HTTP_PORT)
 *   --queue NAME             create this queue at start; repeatable
 *   --name-reservation-ms N  how long a task name stays taken after completion/deletion (default 3600000)
 */
import { parseArgs } from 'node:util';
import { startCloudTasksEmulator } from './emulator.ts';
import { jsonLines } from './log.ts';

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '8123' },
    'http-port': { type: 'string', default: '8124' },
    issuer: { type: 'string' },
    queue: { type: 'string', multiple: true, default: [] },
    'name-reservation-ms': { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});

if (values.help) {
  console.log(
    'Usage: tsx infra/cloud-tasks-emulator/main.ts [--host H] [--port N] [--http-port N] [--issuer URL] ' +
      '[--queue projects/P/locations/L/queues/Q]... [--name-reservation-ms N]',
  );
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

try {
  const emulator = await startCloudTasksEmulator({
    host: values.host,
    port: integerOption('port', values.port, 65535),
    httpPort: integerOption('http-port', values['http-port'], 65535),
    ...(values.issuer ? { issuer: values.issuer } : {}),
    ...(values['name-reservation-ms'] === undefined
      ? {}
      : {
          nameReservationMs: integerOption(
            'name-reservation-ms',
            values['name-reservation-ms'],
            Number.MAX_SAFE_INTEGER,
          ),
        }),
    queues: values.queue,
    log: jsonLines,
  });
  // stdout carries only JSON log lines (one of them says where it listens); this hint for humans goes to stderr.
  console.error(
    `Cloud Tasks emulator: CLOUD_TASKS_EMULATOR_HOST=${emulator.endpoint} ` +
      `PUSH_OIDC_ISSUER=${emulator.issuer} PUSH_OIDC_JWKS_URL=${emulator.jwksUrl}`,
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
  jsonLines({ severity: 'ERROR', message: 'Cloud Tasks emulator failed to start', error: String(error) });
  process.exit(1);
}
