import type { AuditEntry } from '../../domain/permissions.ts';
import type { AuditLog, AuditQuery } from '../../ports/audit-log.ts';
import type { Page } from '../../ports/order-store.ts';
import { newestFirstPage } from './newest-first-page.ts';

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
    const matching = [...this.entries.values()].filter(
      (e) =>
        (query.target === undefined || e.target === query.target) &&
        (query.action === undefined || e.action === query.action),
    );
    return newestFirstPage(matching, position, query.limit, query.cursor);
  }
}
