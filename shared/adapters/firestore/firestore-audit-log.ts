import type { CollectionReference, Firestore, Query, Transaction } from '@google-cloud/firestore';
import { decodeCursor, encodeCursor } from '../../domain/cursor.ts';
import type { AuditEntry } from '../../domain/permissions.ts';
import type { AuditLog, AuditQuery } from '../../ports/audit-log.ts';
import type { Page } from '../../ports/order-store.ts';
import { safeDocId, toData } from './firestore-docs.ts';

export const AUDIT_COLLECTION = 'audit-log';

/** Writes audit entries in a caller's transaction: the stores call this beside the write of the action's effect. */
export function writeAudit(
  db: Firestore,
  tx: Transaction,
  entries: readonly AuditEntry[] | undefined,
  prefix = '',
): void {
  for (const entry of entries ?? []) {
    // set, not create: a retried transaction writes the same entry under the same id
    tx.set(db.collection(`${prefix}${AUDIT_COLLECTION}`).doc(safeDocId(entry.id)), toData(entry));
  }
}

/**
 * The audit log in Firestore: `audit-log/{entryId}`, append-only (security rules and IAM give the services no delete).
 * Listing by target or action, newest first, uses the composite indexes in infra/firestore/firestore.indexes.json.
 */
export class FirestoreAuditLog implements AuditLog {
  private readonly entries: CollectionReference;

  constructor(db: Firestore, prefix = '') {
    this.entries = db.collection(`${prefix}${AUDIT_COLLECTION}`);
  }

  async append(entry: AuditEntry): Promise<void> {
    await this.entries.doc(safeDocId(entry.id)).set(toData(entry));
  }

  async list(query: AuditQuery): Promise<Page<AuditEntry>> {
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    let q: Query = this.entries;
    if (query.target !== undefined) q = q.where('target', '==', query.target);
    if (query.action !== undefined) q = q.where('action', '==', query.action);
    q = q.orderBy('at', 'desc').orderBy('id', 'desc');
    if (after) q = q.startAfter(after.createdAt, after.id);
    const snap = await q.limit(query.limit + 1).get();
    const matching = snap.docs.map((d) => d.data() as AuditEntry);
    const items = matching.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items,
      nextCursor: matching.length > query.limit && last ? encodeCursor({ createdAt: last.at, id: last.id }) : null,
    };
  }
}
