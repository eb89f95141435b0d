import { serve } from '@hono/node-server';
import { JsonLogger } from '../../shared/adapters/logging/json-logger.ts';
import { loadConfig } from '../../shared/config.ts';
import { createEmbeddedStack } from './stack.ts';
import { walkthrough } from './walkthrough.ts';

// `npm start`: the whole product in one process on in-memory adapters and the sandbox gateway.
const config = loadConfig(process.env);
const logger = new JsonLogger(config.LOG_LEVEL);
const base = config.PUBLIC_BASE_URL ?? `http://localhost:${config.PORT}`;
const stack = await createEmbeddedStack({
  baseUrl: base,
  logger,
  statusCheckIntervalSeconds: config.STATUS_CHECK_INTERVAL_SECONDS,
  paymentMaxAgeSeconds: config.PAYMENT_MAX_AGE_SECONDS,
  bodyLimitBytes: config.BODY_LIMIT_BYTES,
  refundCheckIntervalSeconds: config.REFUND_CHECK_INTERVAL_SECONDS,
  maxTransientAttempts: config.MAX_TRANSIENT_ATTEMPTS,
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

const server = serve({ fetch: stack.app.fetch, port: config.PORT }, (info) => {
  logger.log('INFO', 'embedded stack listening', { port: info.port });
  if (config.PRINT_WALKTHROUGH) console.log(walkthrough(base, stack.operatorKey));
});

function shutdown(signal: string): void {
  logger.log('INFO', 'shutting down', { signal });
  server.close();
  void stack.stop().then(() => process.exit(0));
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
