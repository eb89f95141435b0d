import { createHash } from 'node:crypto';
import { AppError } from '../domain/errors.ts';
import { hasWebhookEvent } from '../domain/order.ts';
import { applyGatewayRefund } from './apply-gateway-refund.ts';
import { applyGatewayStatus } from './apply-gateway-status.ts';
import type { Deps } from './deps.ts';

export type WebhookResult =
  | { readonly outcome: 'applied' | 'unchanged' | 'rejected'; readonly orderId: string }
  | { readonly outcome: 'duplicate' | 'unsupported' | 'unknown-order' | 'recorded-for-review' | 'stale' };

const SCOPE = 'gateway-webhook';
const DEFAULT_TOLERANCE_SECONDS = 86_400;

/**
 * A webhook from the gateway: verified over the raw body (a bad signature changes nothing), dropped if its event id
 * was handled before, applied to the order in one transaction with the events it causes. A payment webhook's event id
 * is kept by its order, in the transaction that applies it (nothing to lose between the two, and no document of its
 * own); the others' go to the inbox after they are handled, so a crash in between means a redelivery handles them
 * again, which the state machine makes a no-op.
 */
export async function receiveGatewayWebhook(
  rawBody: string,
  headers: Readonly<Record<string, string | undefined>>,
  deps: Pick<Deps, 'gateway' | 'orders' | 'outbox' | 'bus' | 'inbox' | 'webhookIssues' | 'clock' | 'logger'> & {
    readonly settings?: Pick<Deps['settings'], 'webhookToleranceSeconds'>;
  },
): Promise<WebhookResult> {
  let webhook: ReturnType<typeof deps.gateway.parseWebhook>;
  try {
    webhook = deps.gateway.parseWebhook(rawBody, headers);
  } catch (error) {
    // the signature held (a bad one is null, not an error): the gateway sent it, we cannot apply it
    if (!(error instanceof AppError) || error.type !== 'validation') throw error;
    const eventId =
      headerOf(headers, 'x-razorpay-event-id') ?? `body-sha256:${createHash('sha256').update(rawBody).digest('hex')}`;
    await recordIssue(deps, { id: eventId, eventType: eventTypeOf(rawBody), reason: error.message });
    return { outcome: 'recorded-for-review' };
  }
  if (webhook === null) {
    deps.logger.log('WARNING', 'webhook signature refused');
    throw new AppError('unauthorized', 'webhook signature missing or invalid');
  }
  const tolerance = deps.settings?.webhookToleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const stale =
    webhook.createdAt !== undefined && Date.parse(webhook.createdAt) < deps.clock.now().getTime() - tolerance * 1000;
  // a payment webhook applied is deduplicated by its order (see applyGatewayStatus); the rest by the inbox
  if ((webhook.kind !== 'payment' || stale) && (await deps.inbox.has(SCOPE, webhook.eventId))) {
    return duplicate(webhook, deps);
  }
  if (stale) {
    // signed, but older than any retry we expect: a replay. Acknowledged (the gateway stops), recorded, not applied;
    // the status check settles the payment from the gateway's own answer instead. Kept with the other signed webhooks
    // we did not apply, for a person to look at.
    await recordIssue(deps, {
      id: webhook.eventId,
      eventType: webhook.eventType,
      reason: `stale: created ${webhook.createdAt}, older than the ${tolerance} s tolerance; not applied`,
      ...(webhook.kind === 'payment' ? { gatewayOrderId: webhook.gatewayOrderId } : {}),
      ...(webhook.kind === 'refund' ? { paymentId: webhook.refund.paymentId, refundId: webhook.refund.refundId } : {}),
    });
    await deps.inbox.add(SCOPE, webhook.eventId, deps.clock.now());
    return { outcome: 'stale' };
  }
  switch (webhook.kind) {
    case 'refund': {
      const outcome = await applyGatewayRefund(webhook.refund, deps);
      if (outcome === 'unknown-order') {
        await recordIssue(deps, {
          id: webhook.eventId,
          eventType: webhook.eventType,
          reason: 'a refund of an order we do not hold',
          paymentId: webhook.refund.paymentId,
          refundId: webhook.refund.refundId,
        });
      }
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
        // acknowledged, and kept for a person: the same gateway account may serve other integrations, or money
        // arrived for an order we lost track of
        await recordIssue(deps, {
          id: webhook.eventId,
          eventType: webhook.eventType,
          reason: 'a payment for an order we do not hold',
          gatewayOrderId: webhook.gatewayOrderId,
          paymentId: 'paymentId' in webhook.observation ? (webhook.observation.paymentId ?? null) : null,
        });
        return { outcome: 'unknown-order' };
      }
      // a redelivery of a webhook that changed the order: dropped without a transaction
      if (hasWebhookEvent(order, webhook.eventId)) return duplicate(webhook, deps);
      const applied = await applyGatewayStatus(order.id, webhook.observation, deps, webhook.eventId);
      if (applied.outcome === 'duplicate') return { outcome: 'duplicate' };
      return {
        outcome:
          applied.outcome === 'changed' ? 'applied' : applied.outcome === 'not-found' ? 'rejected' : applied.outcome,
        orderId: order.id,
      };
    }
  }
}

function duplicate(
  webhook: { readonly eventId: string; readonly eventType: string },
  deps: Pick<Deps, 'logger'>,
): WebhookResult {
  deps.logger.log('INFO', 'duplicate webhook dropped', { eventId: webhook.eventId, eventType: webhook.eventType });
  return { outcome: 'duplicate' };
}

function headerOf(headers: Readonly<Record<string, string | undefined>>, name: string): string | null {
  return (
    Object.entries(headers)
      .find(([k]) => k.toLowerCase() === name)?.[1]
      ?.trim() || null
  );
}

function eventTypeOf(rawBody: string): string | null {
  try {
    const event = (JSON.parse(rawBody) as { event?: unknown }).event;
    return typeof event === 'string' ? event.slice(0, 100) : null;
  } catch {
    return null;
  }
}

async function recordIssue(
  deps: Pick<Deps, 'webhookIssues' | 'clock' | 'logger'>,
  issue: {
    id: string;
    eventType: string | null;
    reason: string;
    gatewayOrderId?: string | null;
    paymentId?: string | null;
    refundId?: string | null;
  },
): Promise<void> {
  deps.logger.log('ERROR', `signed webhook not applied, kept for review: ${issue.reason}`, {
    eventId: issue.id,
    eventType: issue.eventType,
  });
  await deps.webhookIssues.record({
    id: issue.id,
    at: deps.clock.now().toISOString(),
    eventType: issue.eventType,
    reason: issue.reason,
    gatewayOrderId: issue.gatewayOrderId ?? null,
    paymentId: issue.paymentId ?? null,
    refundId: issue.refundId ?? null,
  });
}
