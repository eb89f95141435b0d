import { compareNewestFirst, decodeCursor, encodeCursor } from '../../domain/cursor.ts';
import {
  type Account,
  applyEntries,
  type EntryDraft,
  type LedgerEntry,
  openAccount,
  type PostResult,
} from '../../domain/ledger.ts';
import type { AuditEntry } from '../../domain/permissions.ts';
import type { AccountStore } from '../../ports/account-store.ts';
import type { Page } from '../../ports/order-store.ts';
import type { MemoryAuditLog } from './memory-audit-log.ts';

/**
 * Accounts and their ledger entries in memory. Each method is synchronous between awaits, so a post (read the
 * account and the posted ids, apply, write) is all-or-nothing like the Firestore transaction. Values are cloned in
 * and out.
 */
export class MemoryAccountStore implements AccountStore {
  /** `auditLog`: where account changes by operators are recorded. */
  constructor(private readonly auditLog: MemoryAuditLog | null = null) {}

  private readonly accounts = new Map<string, Account>();
  /** customerId → entry id → entry. */
  private readonly ledger = new Map<string, Map<string, LedgerEntry>>();

  async get(customerId: string): Promise<Account> {
    return structuredClone(this.accounts.get(customerId) ?? openAccount(customerId));
  }

  async post(customerId: string, drafts: readonly EntryDraft[], now: Date): Promise<PostResult> {
    const account = this.accounts.get(customerId) ?? openAccount(customerId);
    const entries = this.ledger.get(customerId) ?? new Map<string, LedgerEntry>();
    // only the drafts' own ids, as the Firestore store reads only their docs: copying every key made a post O(entries)
    const posted = new Set(drafts.filter((d) => entries.has(d.id)).map((d) => d.id));
    const result = applyEntries(structuredClone(account), structuredClone(drafts), posted, now);
    if (result.outcome === 'posted' && result.entries.length > 0) {
      for (const entry of result.entries) entries.set(entry.id, structuredClone(entry));
      this.ledger.set(customerId, entries);
      this.accounts.set(customerId, structuredClone(result.account));
    }
    return structuredClone(result);
  }

  async hasEntry(customerId: string, entryId: string): Promise<boolean> {
    return this.ledger.get(customerId)?.has(entryId) ?? false;
  }

  async entries(customerId: string, limit: number, cursor?: string): Promise<Page<LedgerEntry>> {
    // Like the other stores, a cursor we cannot read starts from the top; callers validate cursors first (400).
    const after = cursor ? decodeCursor(cursor) : null;
    const matching = [...(this.ledger.get(customerId)?.values() ?? [])]
      .filter((e) => after === null || compareNewestFirst(after, e) < 0)
      .sort(compareNewestFirst);
    const items = matching.slice(0, limit);
    const last = items.at(-1);
    return {
      items: structuredClone(items),
      nextCursor: matching.length > limit && last ? encodeCursor(last) : null,
    };
  }

  async setStatus(customerId: string, status: Account['status'], now: Date, audit?: AuditEntry): Promise<Account> {
    const current = this.accounts.get(customerId) ?? openAccount(customerId);
    const next: Account = { ...current, status, updatedAt: now.toISOString() };
    this.accounts.set(customerId, structuredClone(next));
    if (audit) this.auditLog?.record([audit]);
    return structuredClone(next);
  }
}
