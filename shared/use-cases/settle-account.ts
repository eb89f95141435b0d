import { AppError } from '../domain/errors.ts';
import type { PaymentEvent, PaymentEventType } from '../domain/events.ts';
import { type Account, type LedgerEntry, ledgerPlan } from '../domain/ledger.ts';
import { type Actor, auditEntry } from '../domain/permissions.ts';
import type { Page } from '../ports/order-store.ts';
import { assertCursor } from './customer-orders.ts';
import type { Deps } from './deps.ts';
import { refundAfterFailedCredit } from './refund-after-failed-credit.ts';

export type SettleResult = 'posted' | 'nothing-to-post' | 'refunding' | 'ignored';

/** The events `settleAccount` acts on; it ignores every other (fulfillment's push subscription filters on these). */
export const SETTLING_EVENTS = ['payment.succeeded', 'refund.processed'] as const satisfies readonly PaymentEventType[];

type SettleDeps = Pick<Deps, 'orders' | 'outbox' | 'bus' | 'accounts' | 'attempts' | 'clock' | 'logger' | 'settings'>;

/**
 * The fulfillment handler: brings the customer's ledger in line with the order. It posts what `ledgerPlan` says the
 * ledger must hold (the credit once the order succeeded, a debit per processed refund) and entry ids make that
 * idempotent, so duplicated, late or out-of-order events all converge on the same entries.
 *
 * A closed account is a permanent failure: the payment is refunded in full and the customer told. Any other failure
 * is transient: thrown, so the event is redelivered, until `maxTransientAttempts`, when it counts as permanent too.
 */
export async function settleAccount(event: PaymentEvent, deps: SettleDeps): Promise<SettleResult> {
  if (!(SETTLING_EVENTS as readonly PaymentEventType[]).includes(event.type)) return 'ignored';
  const order = await deps.orders.get(event.orderId);
  if (!order) return 'ignored';
  const plan = ledgerPlan(order);
  if (plan.length === 0) return 'nothing-to-post';
  const log = { orderId: order.id, eventId: event.id };
  try {
    const result = await deps.accounts.post(order.customerId, plan, deps.clock.now());
    if (result.outcome === 'posted') {
      if (result.entries.length > 0) {
        deps.logger.log('INFO', 'ledger entries posted', { ...log, entries: result.entries.map((e) => e.id) });
      }
      return result.entries.length > 0 ? 'posted' : 'nothing-to-post';
    }
    deps.logger.log('WARNING', `credit refused: ${result.reason}; refunding`, log);
  } catch (error) {
    const attempts = await deps.attempts.increment(`settle:${event.id}`);
    // only a credit that never happened can be given up on; a debit of money already credited is retried until
    // it posts (or the message dead-letters for a person to look at)
    const creditPosted = await deps.accounts.hasEntry(order.customerId, `${order.id}:credit`);
    if (creditPosted || attempts < deps.settings.maxTransientAttempts) {
      deps.logger.log('WARNING', 'posting to the ledger failed; will be retried', { ...log, attempts, error });
      throw error;
    }
    deps.logger.log('ERROR', 'crediting kept failing; treated as permanent, refunding', { ...log, attempts, error });
  }
  await refundAfterFailedCredit(order, deps);
  return 'refunding';
}

export function getAccount(customerId: string, deps: Pick<Deps, 'accounts'>): Promise<Account> {
  return deps.accounts.get(customerId);
}

export function listAccountEntries(
  customerId: string,
  limit: number,
  cursor: string | undefined,
  deps: Pick<Deps, 'accounts'>,
): Promise<Page<LedgerEntry>> {
  assertCursor(cursor);
  return deps.accounts.entries(customerId, limit, cursor);
}

/** An operator closes (or reopens) an account; a closed account takes no new credit. */
/**
 * An operator closes or reopens a customer's account (a closed account takes no new credit: its next payment is
 * refunded in full). Only a customer we know, one who has ordered, can be closed; the audit entry is written with
 * the change.
 */
export async function setAccountStatus(
  customerId: string,
  status: Account['status'],
  actor: Actor,
  reason: string | null,
  deps: Pick<Deps, 'accounts' | 'orders' | 'clock' | 'logger'>,
): Promise<Account> {
  const known = (await deps.orders.list({ customerId, limit: 1 })).items.length > 0;
  if (!known)
    throw new AppError(
      'not-found',
      `no customer ${customerId}: nothing to ${status === 'closed' ? 'close' : 'reopen'}`,
    );
  const action = status === 'closed' ? 'accounts.close' : 'accounts.reopen';
  const audit = auditEntry(actor, action, `customer:${customerId}`, deps.clock.now(), reason);
  deps.logger.log('NOTICE', `account ${status}`, { customerId, by: actor.keyId });
  return deps.accounts.setStatus(customerId, status, deps.clock.now(), audit);
}
