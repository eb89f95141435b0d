import { compareNewestFirst, decodeCursor, encodeCursor } from '../../domain/cursor.ts';
import type { Page } from '../../ports/order-store.ts';
import type { WebhookIssue, WebhookIssueStore } from '../../ports/webhook-issue-store.ts';

const position = (i: WebhookIssue) => ({ createdAt: i.at, id: i.id });

/** Webhook issues in memory. */
export class MemoryWebhookIssueStore implements WebhookIssueStore {
  private readonly issues = new Map<string, WebhookIssue>();

  async record(issue: WebhookIssue): Promise<void> {
    if (!this.issues.has(issue.id)) this.issues.set(issue.id, structuredClone(issue));
  }

  async list(limit: number, cursor?: string): Promise<Page<WebhookIssue>> {
    const after = cursor ? decodeCursor(cursor) : null;
    const matching = [...this.issues.values()]
      .filter((i) => after === null || compareNewestFirst(after, position(i)) < 0)
      .sort((a, b) => compareNewestFirst(position(a), position(b)));
    const items = matching.slice(0, limit);
    const last = items.at(-1);
    return {
      items: structuredClone(items),
      nextCursor: matching.length > limit && last ? encodeCursor(position(last)) : null,
    };
  }
}
