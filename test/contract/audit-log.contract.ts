import type { TestFn } from 'ava';
import { money } from '../../shared/domain/money.ts';
import { newOrder } from '../../shared/domain/order.ts';
import { type Actor, auditEntry } from '../../shared/domain/permissions.ts';
import type { AccountStore } from '../../shared/ports/account-store.ts';
import type { AuditLog } from '../../shared/ports/audit-log.ts';
import type { OrderStore } from '../../shared/ports/order-store.ts';
import { everyPage } from '../support/pages.ts';

export interface AuditFixture {
  readonly orders: OrderStore;
  readonly accounts: AccountStore;
  readonly audit: AuditLog;
}

/** The promises of the audit log: written with the effect it records, append-only, listed newest first by filter. */
export function auditLogContract(test: TestFn, make: () => Promise<AuditFixture> | AuditFixture): void {
  const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 10, minute));
  const finance: Actor = { keyId: 'key_finance1', role: 'finance', requestId: 'req-1' };

  test('audit: an order change carries its entry into the same commit; a change not committed writes none', async (t) => {
    const f = await make();
    const { order, events } = newOrder({
      id: `ord_audit${Date.now()}`,
      customerId: 'cust_audit',
      amount: money(10_000, 'INR'),
      gateway: 'razorpay',
      now: at(0),
    });
    await f.orders.create(order, { customerId: order.customerId, key: 'k', fingerprint: 'f' }, events);
    const entry = auditEntry(finance, 'refunds.create', order.id, at(1), 'goodwill', { amount: 100 });
    await f.orders.update(order.id, (o) => ({ order: { ...o, version: o.version + 1 }, events: [], audit: [entry] }));
    await f.orders.update(order.id, () => null);
    const page = await f.audit.list({ target: order.id, limit: 10 });
    t.is(page.items.length, 1);
    t.like(page.items[0], {
      action: 'refunds.create',
      actor: { keyId: 'key_finance1', role: 'finance' },
      reason: 'goodwill',
    });
  });

  test('audit: closing an account writes its entry with the status; the same request again is one entry', async (t) => {
    const f = await make();
    const entry = auditEntry(finance, 'accounts.close', 'customer:cust_a1', at(2), 'fraud review');
    await f.accounts.setStatus('cust_a1', 'closed', at(2), entry);
    await f.accounts.setStatus('cust_a1', 'closed', at(2), entry);
    t.is((await f.accounts.get('cust_a1')).status, 'closed');
    const page = await f.audit.list({ target: 'customer:cust_a1', limit: 10 });
    t.is(page.items.length, 1);
  });

  test('audit: list filters by action, newest first, and pages without gaps or repeats', async (t) => {
    const f = await make();
    for (let i = 0; i < 7; i++) {
      await f.audit.append(
        auditEntry(
          { ...finance, requestId: `req-page-${i}` },
          i % 2 ? 'accounts.reopen' : 'reconciliations.run',
          `day-${i}`,
          at(10 + i),
          null,
        ),
      );
    }
    const runs = await everyPage((cursor) =>
      f.audit.list({ action: 'reconciliations.run', limit: 2, ...(cursor ? { cursor } : {}) }),
    );
    t.deepEqual(
      runs.map((e) => e.target),
      ['day-6', 'day-4', 'day-2', 'day-0'],
    );
  });
}
