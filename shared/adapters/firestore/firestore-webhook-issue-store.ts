import type { CollectionReference, Firestore, Query } from '@google-cloud/firestore';
import { decodeCursor, encodeCursor } from '../../domain/cursor.ts';
import type { Page } from '../../ports/order-store.ts';
import type { WebhookIssue, WebhookIssueStore } from '../../ports/webhook-issue-store.ts';
import { isAlreadyExists, safeDocId, toData } from './firestore-docs.ts';

/** Webhook issues in Firestore: `webhook-issues/{eventId}`, created once per event. */
export class FirestoreWebhookIssueStore implements WebhookIssueStore {
  private readonly issues: CollectionReference;

  constructor(db: Firestore, prefix = '') {
    this.issues = db.collection(`${prefix}webhook-issues`);
  }

  async record(issue: WebhookIssue): Promise<void> {
    try {
      await this.issues.doc(safeDocId(issue.id)).create(toData(issue));
    } catch (error) {
      // a redelivery of the same event: already recorded
      if (!isAlreadyExists(error)) throw error;
    }
  }

  async list(limit: number, cursor?: string): Promise<Page<WebhookIssue>> {
    const after = cursor ? decodeCursor(cursor) : null;
    let q: Query = this.issues.orderBy('at', 'desc').orderBy('id', 'desc');
    if (after) q = q.startAfter(after.createdAt, after.id);
    const snap = await q.limit(limit + 1).get();
    const matching = snap.docs.map((d) => d.data() as WebhookIssue);
    const items = matching.slice(0, limit);
    const last = items.at(-1);
    return {
      items,
      nextCursor: matching.length > limit && last ? encodeCursor({ createdAt: last.at, id: last.id }) : null,
    };
  }
}
