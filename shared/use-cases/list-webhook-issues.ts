import type { Page } from '../ports/order-store.ts';
import type { WebhookIssue } from '../ports/webhook-issue-store.ts';
import { assertCursor } from './customer-orders.ts';
import type { Deps } from './deps.ts';

/** Operators read the signed webhooks that could not be applied, newest first. */
export function listWebhookIssues(
  limit: number,
  cursor: string | undefined,
  deps: Pick<Deps, 'webhookIssues'>,
): Promise<Page<WebhookIssue>> {
  assertCursor(cursor);
  return deps.webhookIssues.list(limit, cursor);
}
