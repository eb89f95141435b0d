import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { JsonLogger } from '../../shared/adapters/logging/json-logger.ts';
import { type Config, loadConfig } from '../../shared/config.ts';
import { type GoogleDeps, googleDeps } from './deps.ts';

/**
 * Starts one service as it runs on Cloud Run: configuration checked at start (a clear message naming what is
 * missing), Google Cloud adapters, structured logs, and a graceful stop on SIGTERM (Cloud Run's 10 s notice).
 */
export function serveOnGoogle(
  name: string,
  build: (deps: GoogleDeps, config: Config) => { fetch: Hono['fetch'] },
  env: Readonly<Record<string, string | undefined>> = process.env,
): void {
  const config = loadConfig({ RUNTIME: 'google', SERVICE: name, ...env });
  const logger = new JsonLogger(config.LOG_LEVEL, { service: name });
  const app = build(googleDeps(config, logger), config);
  const server = serve({ fetch: app.fetch, port: config.PORT }, (info) => {
    logger.log('INFO', `${name} listening`, { port: info.port });
  });
  process.on('SIGTERM', () => {
    logger.log('INFO', 'SIGTERM: draining and stopping');
    server.close(() => process.exit(0));
  });
}
