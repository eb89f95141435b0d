import { AppError } from '../domain/errors.ts';
import { applyGatewayRefund } from './apply-gateway-refund.ts';
import { applyGatewayStatus } from './apply-gateway-status.ts';
import type { Deps } from './deps.ts';

export type WebhookResult =
  | { readonly outcome: 'applied' | 'unchanged' | 'rejected'; readonly orderId: string }
  | { readonly outcome: 'duplicate' | 'unsupported' | 'unknown-order' | 'stale' };

const SCOPE = 'gateway-webhook';
const DEFAULT_TOLERANCE_SECONDS = 86_400;

/**
 * A webhook from the gateway: verified over the raw body (a bad signature changes nothing), dropped if its event id
 * was handled before, applied to the order in one transaction with the events it causes. The event id is recorded
 * after the apply, so a crash in between means a redelivery applies it again, which the state machine makes a no-op.
 */
export async function receiveGatewayWebhook(
  rawBody: string,
  headers: Readonly<Record<string, string | undefined>>,
  deps: Pick<Deps, 'gateway' | 'orders' | 'outbox' | 'bus' | 'inbox' | 'clock' | 'logger'> & {
    readonly settings?: Pick<Deps['settings'], 'webhookToleranceSeconds'>;
  },
): Promise<WebhookResult> {
  const webhook = deps.gateway.parseWebhook(rawBody, headers);
  if (webhook === null) {
    deps.logger.log('WARNING', 'webhook signature refused');
    throw new AppError('unauthorized', 'webhook signature missing or invalid');
  }
  if (await deps.inbox.has(SCOPE, webhook.eventId)) {
    deps.logger.log('INFO', 'duplicate webhook dropped', { eventId: webhook.eventId, eventType: webhook.eventType });
    return { outcome: 'duplicate' };
  }
  const tolerance = deps.settings?.webhookToleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (webhook.createdAt && Date.parse(webhook.createdAt) < deps.clock.now().getTime() - tolerance * 1000) {
    // signed, but older than any retry we expect: a replay. Acknowledged (the gateway stops), recorded, not applied;
    // the status check settles the payment from the gateway's own answer instead.
    deps.logger.log('WARNING', 'stale webhook not applied', {
      eventId: webhook.eventId,
      eventType: webhook.eventType,
      createdAt: webhook.createdAt,
    });
    await deps.inbox.add(SCOPE, webhook.eventId, deps.clock.now());
    return { outcome: 'stale' };
  }
  switch (webhook.kind) {
    case 'refund': {
      const outcome = await applyGatewayRefund(webhook.refund, deps);
      await deps.inbox.add(SCOPE, webhook.eventId, deps.clock.now());
      if (outcome === 'unknown-order') return { outcome: 'unknown-order' };
      return { outcome: outcome === 'applied' ? 'applied' : 'unchanged', orderId: webhook.refund.notes.orderId ?? '' };
    }
    case 'unsupported':
      deps.logger.log('INFO', 'webhook event not supported; acknowledged', { eventType: webhook.eventType });
      await deps.inbox.add(SCOPE, webhook.eventId, deps.clock.now());
      return { outcome: 'unsupported' };
    case 'payment': {
      const order = await deps.orders.findByGatewayOrderId(webhook.gatewayOrderId);
      if (!order) {
        // acknowledged: the same gateway account may serve other integrations whose orders we do not hold
        deps.logger.log('WARNING', 'webhook for an order we do not hold', { gatewayOrderId: webhook.gatewayOrderId });
        return { outcome: 'unknown-order' };
      }
      const applied = await applyGatewayStatus(order.id, webhook.observation, deps);
      await deps.inbox.add(SCOPE, webhook.eventId, deps.clock.now());
      return {
        outcome:
          applied.outcome === 'changed' ? 'applied' : applied.outcome === 'not-found' ? 'rejected' : applied.outcome,
        orderId: order.id,
      };
    }
  }
}
