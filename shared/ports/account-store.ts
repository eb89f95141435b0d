import type { Account, EntryDraft, LedgerEntry, PostResult } from '../domain/ledger.ts';
import type { AuditEntry } from '../domain/permissions.ts';
import type { Page } from './order-store.ts';

export interface AccountStore {
  /** A customer never credited has an open account with a zero balance. */
  get(customerId: string): Promise<Account>;
  /**
   * In one transaction: reads the account and which of the drafts' ids are already posted, applies `applyEntries`
   * (shared/domain/ledger.ts) and writes the new entries with the new balance. Entry ids make a repeat a no-op.
   */
  post(customerId: string, drafts: readonly EntryDraft[], now: Date): Promise<PostResult>;
  /** Whether an entry with this id has been posted. */
  hasEntry(customerId: string, entryId: string): Promise<boolean>;
  /** Newest first. */
  entries(customerId: string, limit: number, cursor?: string): Promise<Page<LedgerEntry>>;
  /** Opens or closes the account, writing the operator's audit entry in the same transaction. */
  setStatus(customerId: string, status: Account['status'], now: Date, audit?: AuditEntry): Promise<Account>;
}
