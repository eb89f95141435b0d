import type { Money } from './money.ts';
import type { Order } from './payment-types.ts';

/**
 * The customer's account: a balance moved only by immutable ledger entries. The sum of the entries always equals
 * the balance, because an entry and the balance change it causes are committed together.
 */
export interface Account {
  readonly customerId: string;
  readonly status: 'open' | 'closed';
  /** Minor units; may go below zero when a refund is debited after the credit was spent. */
  readonly balance: { readonly amount: number; readonly currency: Money['currency'] };
  readonly entryCount: number;
  readonly updatedAt: string | null;
}

export interface LedgerEntry {
  /** Deterministic (`<orderId>:credit`, `<refundId>:debit`): posting the same entry twice is impossible. */
  readonly id: string;
  readonly customerId: string;
  readonly orderId: string;
  readonly refundId: string | null;
  readonly kind: 'credit' | 'debit';
  readonly amount: Money;
  readonly balanceAfter: number;
  readonly createdAt: string;
}

export type EntryDraft = Pick<LedgerEntry, 'id' | 'orderId' | 'refundId' | 'kind' | 'amount'>;

export type PostResult =
  | { readonly outcome: 'posted'; readonly account: Account; readonly entries: readonly LedgerEntry[] }
  | { readonly outcome: 'refused'; readonly reason: 'account-closed'; readonly account: Account };

export function openAccount(customerId: string): Account {
  return { customerId, status: 'open', balance: { amount: 0, currency: 'INR' }, entryCount: 0, updatedAt: null };
}

/**
 * What the ledger must hold for an order: a credit for the accepted payment once the order succeeded (unless the
 * credit failed for good and the payment is being refunded instead), then a debit for each processed refund of it.
 * Posting this plan is idempotent, so every event of the order can simply post it again, in any order.
 */
export function ledgerPlan(order: Order): EntryDraft[] {
  const accepted = order.captures.find((c) => c.accepted);
  if (order.status !== 'succeeded' || !accepted || order.flags.includes('credit-failed')) return [];
  const credit: EntryDraft = {
    id: `${order.id}:credit`,
    orderId: order.id,
    refundId: null,
    kind: 'credit',
    amount: accepted.amount,
  };
  const debits = order.refunds
    .filter((r) => r.paymentId === accepted.paymentId && r.status === 'processed')
    .map(
      (r): EntryDraft => ({ id: `${r.id}:debit`, orderId: order.id, refundId: r.id, kind: 'debit', amount: r.amount }),
    );
  return [credit, ...debits];
}

/**
 * Posts the drafts not yet posted, in order, moving the balance by each. A closed account takes no new credit (the
 * rule that makes a credit fail for good); debits of money already credited still post, so the books stay true.
 */
export function applyEntries(
  account: Account,
  drafts: readonly EntryDraft[],
  posted: ReadonlySet<string>,
  now: Date,
): PostResult {
  const fresh = drafts.filter((d) => !posted.has(d.id));
  if (account.status === 'closed' && fresh.some((d) => d.kind === 'credit')) {
    return { outcome: 'refused', reason: 'account-closed', account };
  }
  const at = now.toISOString();
  let balance = account.balance.amount;
  const entries = fresh.map((d): LedgerEntry => {
    balance += d.kind === 'credit' ? d.amount.amount : -d.amount.amount;
    return { ...d, customerId: account.customerId, balanceAfter: balance, createdAt: at };
  });
  if (entries.length === 0) return { outcome: 'posted', account, entries };
  return {
    outcome: 'posted',
    account: {
      ...account,
      balance: { ...account.balance, amount: balance },
      entryCount: account.entryCount + entries.length,
      updatedAt: at,
    },
    entries,
  };
}
