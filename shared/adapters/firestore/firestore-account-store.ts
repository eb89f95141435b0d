import type { CollectionReference, DocumentReference, Firestore } from '@google-cloud/firestore';
import { decodeCursor, encodeCursor } from '../../domain/cursor.ts';
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
import { writeAudit } from './firestore-audit-log.ts';
import { safeDocId, toData } from './firestore-docs.ts';

/**
 * Accounts and their ledger in Firestore.
 *
 *   - `accounts/{customerId}`: the Account (absent until first written: a missing doc is an open, empty account).
 *   - `ledger-entries/{entryId}`: one immutable LedgerEntry per doc. Entry ids are deterministic
 *     (`<orderId>:credit`, `<refundId>:debit`), so the doc id itself makes a second posting impossible.
 *
 * A post is one `runTransaction`: read the account and the drafts' entry docs, apply `applyEntries`, `create` the new
 * entries and `set` the account. The entries and the balance they move commit together, so the sum of the entries
 * always equals the balance. The callback may run more than once; it does nothing but the transaction's reads and
 * writes. Listing needs the (customerId, createdAt desc, id desc) index on ledger-entries.
 */
export class FirestoreAccountStore implements AccountStore {
  private readonly accounts: CollectionReference;
  private readonly ledger: CollectionReference;

  constructor(
    private readonly db: Firestore,
    private readonly prefix = '',
  ) {
    this.accounts = db.collection(`${prefix}accounts`);
    this.ledger = db.collection(`${prefix}ledger-entries`);
  }

  async get(customerId: string): Promise<Account> {
    const snap = await this.accountRef(customerId).get();
    return snap.exists ? (snap.data() as Account) : openAccount(customerId);
  }

  async post(customerId: string, drafts: readonly EntryDraft[], now: Date): Promise<PostResult> {
    const accountRef = this.accountRef(customerId);
    const entryRefs = drafts.map((d) => this.ledger.doc(safeDocId(d.id)));
    const plain = toData(drafts);
    return this.db.runTransaction<PostResult>(async (tx) => {
      // every read before any write, as Firestore transactions require
      const [accountSnap, ...entrySnaps] = await tx.getAll(accountRef, ...entryRefs);
      const account = accountSnap?.exists ? (accountSnap.data() as Account) : openAccount(customerId);
      const posted = new Set<string>();
      entrySnaps.forEach((snap, i) => {
        if (snap.exists) posted.add(plain[i]!.id);
      });
      const result = applyEntries(account, plain, posted, now);
      if (result.outcome === 'refused' || result.entries.length === 0) return result;
      // `create`, not `set`: an entry that appeared since the read fails the transaction instead of being rewritten
      for (const entry of result.entries) tx.create(this.ledger.doc(safeDocId(entry.id)), toData(entry));
      tx.set(accountRef, toData(result.account));
      return toData(result);
    });
  }

  async hasEntry(customerId: string, entryId: string): Promise<boolean> {
    const snap = await this.ledger.doc(safeDocId(entryId)).get();
    return snap.exists && (snap.data() as LedgerEntry).customerId === customerId;
  }

  async entries(customerId: string, limit: number, cursor?: string): Promise<Page<LedgerEntry>> {
    // As in the memory store, a cursor we cannot read starts from the top; callers validate cursors first (400).
    const after = cursor ? decodeCursor(cursor) : null;
    let q = this.ledger.where('customerId', '==', customerId).orderBy('createdAt', 'desc').orderBy('id', 'desc');
    if (after) q = q.startAfter(after.createdAt, after.id);
    const snap = await q.limit(limit + 1).get();
    const matching = snap.docs.map((d) => d.data() as LedgerEntry);
    const items = matching.slice(0, limit);
    const last = items.at(-1);
    return { items, nextCursor: matching.length > limit && last ? encodeCursor(last) : null };
  }

  async setStatus(customerId: string, status: Account['status'], now: Date, audit?: AuditEntry): Promise<Account> {
    const ref = this.accountRef(customerId);
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      const current = snap.exists ? (snap.data() as Account) : openAccount(customerId);
      const next = toData<Account>({ ...current, status, updatedAt: now.toISOString() });
      tx.set(ref, next);
      writeAudit(this.db, tx, audit ? [audit] : [], this.prefix);
      return next;
    });
  }

  private accountRef(customerId: string): DocumentReference {
    return this.accounts.doc(safeDocId(customerId));
  }
}
