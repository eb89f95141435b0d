import type { ExecutionContext } from 'ava';
import type { Client } from './harness.ts';

/** What a crash test expects of one order at the end. */
export interface Expected {
  readonly orderId: string;
  readonly status: 'succeeded' | 'failed' | 'expired';
}

const REFUND_STEPS = new Set(['refund-initiated', 'refunded', 'refund-failed']);

/**
 * Checks the money and messaging invariants of a customer's orders once deliveries have resumed, through the public
 * API only: each order in its terminal status; no status entered twice; the ledger balanced and each order credited
 * exactly its accepted capture less its processed refunds; every capture accepted or refunded; at most one automatic
 * refund per payment; one notification per step per order and one for every status the order entered. Returns a
 * one-line account of what was found, for the test's log.
 */
export async function assertInvariants(t: ExecutionContext, c: Client, expected: readonly Expected[]): Promise<string> {
  const orders = await Promise.all(expected.map((e) => c.order(e.orderId)));
  const account = await c.json('GET', '/v1/account');
  const entries = (await c.json('GET', '/v1/account/entries?limit=100')).items as any[];
  const notifications = await c.notifications();
  const sum = entries.reduce((s: number, e: any) => s + (e.kind === 'credit' ? e.amount.amount : -e.amount.amount), 0);
  t.is(sum, account.balance.amount, 'the balance is the sum of the ledger entries');
  t.is(new Set(entries.map((e) => e.id)).size, entries.length, 'no ledger entry twice');
  let credited = 0;
  let notified = 0;
  for (const [i, order] of orders.entries()) {
    const want = expected[i]!;
    t.is(order.status, want.status, `${order.id} ends ${want.status}`);
    const entered = (order.timeline as any[]).filter((e) => e.kind === 'transition').map((e) => e.to as string);
    t.deepEqual(entered, [...new Set(entered)], `${order.id}: no status entered twice (${entered.join(' → ')})`);
    const accepted = (order.captures as any[]).filter((p) => p.accepted);
    t.true(accepted.length <= 1, `${order.id}: at most one accepted capture`);
    const refunds = order.refunds as any[];
    const owed =
      order.status === 'succeeded' && accepted[0] && !order.flags.includes('credit-failed')
        ? accepted[0].amount.amount -
          refunds
            .filter((r) => r.paymentId === accepted[0].paymentId && r.status === 'processed')
            .reduce((s, r) => s + r.amount.amount, 0)
        : 0;
    const net = entries
      .filter((e) => e.orderId === order.id)
      .reduce((s: number, e: any) => s + (e.kind === 'credit' ? e.amount.amount : -e.amount.amount), 0);
    t.is(net, owed, `${order.id}: credited ${net}, owed accepted capture − refunded = ${owed}`);
    credited += net;
    t.true(
      entries.filter((e) => e.orderId === order.id && e.kind === 'credit').length <= 1,
      `${order.id}: credited at most once`,
    );
    for (const capture of order.captures as any[]) {
      t.true(
        capture.accepted || refunds.some((r) => r.paymentId === capture.paymentId),
        `${order.id}: capture ${capture.paymentId} accepted or refunded`,
      );
    }
    const automatic = refunds.filter((r) => r.trigger !== 'operator').map((r) => r.paymentId as string);
    t.deepEqual(automatic, [...new Set(automatic)], `${order.id}: at most one automatic refund per payment`);
    const steps = notifications
      .filter((n: any) => n.orderId === order.id && !REFUND_STEPS.has(n.step))
      .map((n: any) => n.step as string);
    t.deepEqual(steps.toSorted(), [...new Set(steps)].toSorted(), `${order.id}: one notification per step (${steps})`);
    for (const status of entered) {
      t.true(steps.includes(status), `${order.id}: told it entered ${status} (told: ${steps})`);
    }
    notified += steps.length;
  }
  return `${orders.map((o) => `${o.id} ${o.status}`).join(', ')}; ledger ${entries.length} entries, balance ${account.balance.amount} = credited ${credited}; ${notified} notifications, none twice, none missing`;
}
