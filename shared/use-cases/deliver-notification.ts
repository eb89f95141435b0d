import { createHmac } from 'node:crypto';
import { AppError } from '../domain/errors.ts';
import { isReconciliationSummary, type Notice } from '../domain/notification.ts';
import type { Delivery } from '../ports/delivery-store.ts';
import type { Page } from '../ports/order-store.ts';
import type { Deps } from './deps.ts';

const CHANNEL = 'app-webhook';

/**
 * `X-Payments-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the timestamp is signed with the
 * body, so the app can refuse replays older than a few minutes as well as forgeries.
 */
export function signWebhook(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

/**
 * What the app's backend receives for a notice: `notification.<step>` with the customer's notification, or
 * `reconciliation.completed` with a run's summary for finance (shared/http/schemas.ts, AppWebhookPayloadSchema).
 */
export function webhookBody(notice: Notice): string {
  return isReconciliationSummary(notice)
    ? JSON.stringify({ type: notice.type, reconciliation: notice })
    : JSON.stringify({ type: `notification.${notice.step}`, notification: notice });
}

/**
 * The delivery task's work: post the notice to the app's backend, signed, and record the attempt for operators. A
 * non-2xx or no answer throws, so the queue retries with backoff until the app acknowledges it; a delivery already
 * acknowledged is not posted again, so a redelivered task changes nothing.
 */
export async function deliverNotification(
  notification: Notice,
  deps: Pick<Deps, 'webhooks' | 'deliveries' | 'clock' | 'logger' | 'settings'>,
): Promise<Delivery> {
  const target = deps.settings.appWebhook;
  if (!target) throw new AppError('invalid-state', 'no app webhook is configured');
  const deliveryId = `${notification.id}@${CHANNEL}`;
  const existing = await deps.deliveries.get(deliveryId);
  if (existing?.state === 'delivered') return existing;
  const body = webhookBody(notification);
  const at = deps.clock.now();
  let status: number | null = null;
  let error: string | null = null;
  try {
    status = await deps.webhooks.post(target.url, body, {
      'x-payments-signature': signWebhook(target.secret, body, at),
      'x-payments-delivery-id': deliveryId,
    });
  } catch (e) {
    error = e instanceof Error ? e.message : 'request failed';
  }
  const ok = status !== null && status >= 200 && status < 300;
  const delivery = await deps.deliveries.recordAttempt(
    {
      id: deliveryId,
      notificationId: notification.id,
      // a reconciliation summary is finance's, of no one order or customer
      orderId: isReconciliationSummary(notification) ? null : notification.orderId,
      customerId: isReconciliationSummary(notification) ? null : notification.customerId,
      channel: CHANNEL,
      target: new URL(target.url).origin,
    },
    { at: at.toISOString(), status, ok, error },
  );
  deps.logger.log(ok ? 'INFO' : 'WARNING', ok ? 'app webhook delivered' : 'app webhook not acknowledged; will retry', {
    deliveryId,
    status,
    attempts: delivery.attempts.length,
  });
  if (!ok) throw new AppError('upstream-failed', `the app backend answered ${status ?? error}`);
  return delivery;
}

export function listDeliveries(
  query: { orderId?: string; limit: number },
  deps: Pick<Deps, 'deliveries'>,
): Promise<readonly Delivery[]> {
  return deps.deliveries.list(query);
}

export type { Page };
