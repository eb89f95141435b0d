import { compareNewestFirst, decodeCursor, encodeCursor } from '../../domain/cursor.ts';
import type { AuditEntry } from '../../domain/permissions.ts';
import type { AuditLog, AuditQuery } from '../../ports/audit-log.ts';
import type { Page } from '../../ports/order-store.ts';

const position = (e: AuditEntry) => ({ createdAt: e.at, id: e.id });

/**
 * The audit log in memory. The memory order and account stores write to it synchronously with their own change, which
 * is the all-or-nothing a Firestore transaction gives; an entry id written again is kept once.
 */
export class MemoryAuditLog implements AuditLog {
  private readonly entries = new Map<string, AuditEntry>();

  /** Called by the stores inside their commit. */
  record(entries: readonly AuditEntry[]): void {
    for (const entry of entries) if (!this.entries.has(entry.id)) this.entries.set(entry.id, structuredClone(entry));
  }

  async append(entry: AuditEntry): Promise<void> {
    this.record([entry]);
  }

  async list(query: AuditQuery): Promise<Page<AuditEntry>> {
    const after = query.cursor ? decodeCursor(query.cursor) : null;
    const matching = [...this.entries.values()]
      .filter(
        (e) =>
          (query.target === undefined || e.target === query.target) &&
          (query.action === undefined || e.action === query.action) &&
          (after === null || compareNewestFirst(after, position(e)) < 0),
      )
      .sort((a, b) => compareNewestFirst(position(a), position(b)));
    const items = matching.slice(0, query.limit);
    const last = items.at(-1);
    return {
      items: structuredClone(items),
      nextCursor: matching.length > query.limit && last ? encodeCursor(position(last)) : null,
    };
  }
}
