import { serve } from '@hono/node-server';
import { consoleLogger } from '../../shared/adapters/logging/pretty-logger.ts';
import { abuseLimits, ConfigError, loadGoogleConfig } from '../../shared/config.ts';
import { sendSecurityHeaders } from '../../shared/http/security-headers.ts';
import { findService, SERVICES } from '../catalogue/catalogue.ts';
import { googleDeps } from './deps.ts';

/**
 * The container's entry point, one image for every service: `SERVICE` picks the catalogue entry this Cloud Run service
 * runs. Configuration is checked at start (one line naming what to fix), only the entry's dependencies are built, logs
 * are structured, and SIGTERM (Cloud Run's 10 s notice) stops taking requests and lets those in flight finish.
 */
function fatal(message: string): never {
  console.error(JSON.stringify({ severity: 'ERROR', message }));
  process.exit(1);
}

let config: ReturnType<typeof loadGoogleConfig>;
try {
  config = loadGoogleConfig(process.env);
} catch (error) {
  fatal(error instanceof ConfigError ? error.message : `fatal: ${String(error)}`);
}
const service = findService(config.SERVICE);
if (!service) fatal(`SERVICE must name a service of the catalogue: ${SERVICES.map((s) => s.name).join(', ')}`);

const logger = consoleLogger(config.LOG_FORMAT, config.LOG_LEVEL, { service: service.name });
let app: ReturnType<typeof service.createApp>;
try {
  app = service.createApp({
    ...googleDeps(config, service, logger),
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    limits: abuseLimits(config),
    corsOrigins: config.CORS_ORIGINS,
  });
} catch (error) {
  fatal(error instanceof ConfigError ? error.message : `fatal: ${String(error)}`);
}

const server = sendSecurityHeaders(
  serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    logger.log('INFO', `${service.name} listening`, { port: info.port });
  }),
);
let stopping = false;
function stop(signal: string): void {
  if (stopping) return;
  stopping = true;
  logger.log('INFO', `${signal}: draining and stopping`);
  server.close(() => process.exit(0));
  // close() ends the idle keep-alive connections only once: close each one as soon as its last request is answered,
  // rather than after the keep-alive timeout
  const idle = setInterval(() => (server as { closeIdleConnections?: () => void }).closeIdleConnections?.(), 100);
  idle.unref();
  // requests still open after Cloud Run's grace period would be cut anyway; leave before SIGKILL
  setTimeout(() => process.exit(0), 8000).unref();
}
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
