import type { Page } from '../../ports/order-store.ts';
import type { WebhookIssue, WebhookIssueStore } from '../../ports/webhook-issue-store.ts';
import { newestFirstPage } from './newest-first-page.ts';

const position = (i: WebhookIssue) => ({ createdAt: i.at, id: i.id });

/** Webhook issues in memory. */
export class MemoryWebhookIssueStore implements WebhookIssueStore {
  private readonly issues = new Map<string, WebhookIssue>();

  async record(issue: WebhookIssue): Promise<void> {
    if (!this.issues.has(issue.id)) this.issues.set(issue.id, structuredClone(issue));
  }

  async list(limit: number, cursor?: string): Promise<Page<WebhookIssue>> {
    return newestFirstPage(this.issues.values(), position, limit, cursor);
  }
}
