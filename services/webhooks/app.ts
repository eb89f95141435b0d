import { createServiceApp } from '../../shared/http/service-app.ts';
import type { Logger } from '../../shared/ports/logger.ts';
import type { Deps } from '../../shared/use-cases/deps.ts';
import { receiveGatewayWebhook } from '../../shared/use-cases/receive-gateway-webhook.ts';

export type WebhooksDeps = Pick<
  Deps,
  'gateway' | 'orders' | 'outbox' | 'bus' | 'inbox' | 'webhookIssues' | 'clock' | 'settings'
> & {
  readonly logger: Logger;
  readonly bodyLimitBytes: number;
};

/**
 * Gateway webhooks. The signature is checked over the raw bytes, so the body is read as text and never re-serialised.
 * Every 2xx tells the gateway to stop retrying: an unsupported event or an order we do not hold is acknowledged.
 */
export function createApp(deps: WebhooksDeps) {
  const app = createServiceApp({ name: 'webhooks', logger: deps.logger, bodyLimitBytes: deps.bodyLimitBytes });

  app.post('/webhooks/razorpay', async (c) => {
    const raw = await c.req.text();
    const headers = {
      'x-razorpay-signature': c.req.header('x-razorpay-signature'),
      'x-razorpay-event-id': c.req.header('x-razorpay-event-id'),
    };
    const result = await receiveGatewayWebhook(raw, headers, { ...deps, logger: c.get('logger') });
    return c.json({ status: result.outcome === 'unsupported' ? 'not supported' : result.outcome });
  });

  return app;
}
