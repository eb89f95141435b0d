import { serve } from '@hono/node-server';
import { consoleLogger } from '../../shared/adapters/logging/pretty-logger.ts';
import { loadConfig } from '../../shared/config.ts';
import { sendSecurityHeaders } from '../../shared/http/security-headers.ts';
import { createSandboxGateway } from './app.ts';

/**
 * The sandbox gateway on its own port (its Cloud Run service, or `tsx services/sandbox-gateway/server.ts` locally).
 * Point RAZORPAY_BASE_URL of the other services here and SANDBOX_WEBHOOK_URL at the webhooks service.
 */
const config = loadConfig(process.env);
const logger = consoleLogger(config.LOG_FORMAT, config.LOG_LEVEL, { service: 'sandbox-gateway' });

// RUNTIME=google makes loadConfig insist on the real keys; run locally, the sandbox makes do with test ones.
const keyId = config.RAZORPAY_KEY_ID ?? 'rzp_test_sandbox00000';
const keySecret = config.RAZORPAY_KEY_SECRET ?? 'sandbox_key_secret';
const webhookSecret = config.RAZORPAY_WEBHOOK_SECRET ?? 'sandbox_webhook_secret';
if (!config.RAZORPAY_KEY_SECRET || !config.RAZORPAY_WEBHOOK_SECRET) {
  logger.log(
    'WARNING',
    'sandbox gateway using built-in test secrets; set RAZORPAY_KEY_SECRET and RAZORPAY_WEBHOOK_SECRET',
  );
}

const sandbox = createSandboxGateway({
  keyId,
  keySecret,
  webhookSecret,
  webhookUrl: config.SANDBOX_WEBHOOK_URL ?? null,
  clock: { now: () => new Date() },
  logger,
});

const server = sendSecurityHeaders(
  serve({ fetch: sandbox.app.fetch, port: config.PORT }, (info) => {
    logger.log('NOTICE', 'sandbox gateway listening', {
      port: info.port,
      keyId,
      webhookUrl: config.SANDBOX_WEBHOOK_URL ?? null,
      checkout: `${config.PUBLIC_BASE_URL ?? `http://localhost:${info.port}`}/checkout/<order id>`,
    });
  }),
);

function shutdown(signal: string): void {
  logger.log('NOTICE', 'sandbox gateway stopping', { signal });
  sandbox.close();
  server.close(() => {
    // Let deliveries already under way finish (each is bounded by its retries and timeouts).
    sandbox.settle().then(() => process.exit(0));
  });
}
process.once('SIGTERM', () => shutdown('SIGTERM'));
process.once('SIGINT', () => shutdown('SIGINT'));
