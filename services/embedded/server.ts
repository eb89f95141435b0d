import { serve } from '@hono/node-server';
import { consoleLogger } from '../../shared/adapters/logging/pretty-logger.ts';
import { abuseLimits, ConfigError, loadConfig } from '../../shared/config.ts';
import { sendSecurityHeaders } from '../../shared/http/security-headers.ts';
import { jobSchedules } from '../catalogue/catalogue.ts';
import { walkthrough } from '../dev/walkthrough.ts';
import { createEmbeddedStack } from './stack.ts';

// `npm start`: the whole product in one process on in-memory adapters and the sandbox gateway.
let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(process.env);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : String(error));
  process.exit(1);
}
if (config.RUNTIME !== 'embedded') {
  // the embedded stack mints tokens for anyone (/dev) and fakes the gateway (/sandbox): never on Google Cloud
  console.error('npm start runs the embedded development stack; RUNTIME=google runs a service: node dist/…/main.js');
  process.exit(1);
}
const logger = consoleLogger(config.LOG_FORMAT, config.LOG_LEVEL);
const base = config.PUBLIC_BASE_URL ?? `http://localhost:${config.PORT}`;
const stack = await createEmbeddedStack({
  baseUrl: base,
  logger,
  statusCheckIntervalSeconds: config.STATUS_CHECK_INTERVAL_SECONDS,
  paymentMaxAgeSeconds: config.PAYMENT_MAX_AGE_SECONDS,
  statusCheckBackoffAfterSeconds: config.STATUS_CHECK_BACKOFF_AFTER_SECONDS,
  bodyLimitBytes: config.BODY_LIMIT_BYTES,
  limits: abuseLimits(config),
  corsOrigins: config.CORS_ORIGINS,
  refundCheckIntervalSeconds: config.REFUND_CHECK_INTERVAL_SECONDS,
  maxTransientAttempts: config.MAX_TRANSIENT_ATTEMPTS,
  jobSchedules: jobSchedules(config),
  // as with the real gateway, the webhook follows the checkout by a moment: the demo shows "Processing" first
  sandboxWebhookDelayMs: 1500,
  timeZone: config.SCHEDULER_TIME_ZONE,
  // Razorpay's work is not ours: the sandbox gets a thread of its own, as it would be a server of its own
  sandboxThread: { logFormat: config.LOG_FORMAT, logLevel: config.LOG_LEVEL },
  ...(config.APP_WEBHOOK_URL && config.APP_WEBHOOK_SECRET
    ? { appWebhook: { url: config.APP_WEBHOOK_URL, secret: config.APP_WEBHOOK_SECRET } }
    : {}),
  ...(config.OPERATOR_API_KEYS ? { operatorApiKeys: config.OPERATOR_API_KEYS } : {}),
  ...(config.RAZORPAY_KEY_ID && config.RAZORPAY_KEY_SECRET && config.RAZORPAY_WEBHOOK_SECRET
    ? {
        razorpay: {
          keyId: config.RAZORPAY_KEY_ID,
          keySecret: config.RAZORPAY_KEY_SECRET,
          webhookSecret: config.RAZORPAY_WEBHOOK_SECRET,
        },
      }
    : {}),
});
stack.start();

const server = sendSecurityHeaders(
  serve({ fetch: stack.app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    const reach = config.HOST === '127.0.0.1' ? 'this machine only (set HOST to change)' : `interface ${config.HOST}`;
    logger.log('INFO', `embedded stack listening on ${reach}`, { host: config.HOST, port: info.port });
    if (config.PRINT_WALKTHROUGH) console.log(walkthrough(base, stack.operatorKey));
  }),
);

function shutdown(signal: string): void {
  logger.log('INFO', 'shutting down', { signal });
  server.close();
  void stack.stop().then(() => process.exit(0));
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
