import type { TestFn } from 'ava';
import type { EntryDraft, LedgerEntry } from '../../shared/domain/ledger.ts';
import { money } from '../../shared/domain/money.ts';
import type { AccountStore } from '../../shared/ports/account-store.ts';
import { walkPages } from '../support/pages.ts';

/**
 * The promises every AccountStore makes. `makeStore` must return an empty store per call (the tests run
 * concurrently and each counts what it wrote).
 */
export function accountStoreContract(test: TestFn, makeStore: () => AccountStore | Promise<AccountStore>): void {
  const T0 = Date.parse('2026-03-01T10:00:00.000Z');
  const at = (minutes: number) => new Date(T0 + minutes * 60_000);

  const credit = (orderId: string, amount = 49_900): EntryDraft => ({
    id: `${orderId}:credit`,
    orderId,
    refundId: null,
    kind: 'credit',
    amount: money(amount, 'INR'),
  });
  const debit = (orderId: string, refundId: string, amount = 10_000): EntryDraft => ({
    id: `${refundId}:debit`,
    orderId,
    refundId,
    kind: 'debit',
    amount: money(amount, 'INR'),
  });

  const signed = (e: LedgerEntry) => (e.kind === 'credit' ? e.amount.amount : -e.amount.amount);

  async function allEntries(store: AccountStore, customerId: string): Promise<LedgerEntry[]> {
    const all: LedgerEntry[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await store.entries(customerId, 50, cursor);
      all.push(...page.items);
      if (page.nextCursor === null) return all;
      cursor = page.nextCursor;
    }
  }

  test('get: a customer never credited → an open account with balance 0 and no entries', async (t) => {
    const store = await makeStore();
    t.deepEqual(await store.get('cus_1'), {
      customerId: 'cus_1',
      status: 'open',
      balance: { amount: 0, currency: 'INR' },
      entryCount: 0,
      updatedAt: null,
    });
    t.deepEqual(await store.entries('cus_1', 10), { items: [], nextCursor: null });
  });

  test('post: a credit → posted; the balance moves by it and the entry reads back', async (t) => {
    const store = await makeStore();
    const result = await store.post('cus_1', [credit('ord_a')], at(1));
    const entry: LedgerEntry = {
      id: 'ord_a:credit',
      customerId: 'cus_1',
      orderId: 'ord_a',
      refundId: null,
      kind: 'credit',
      amount: money(49_900, 'INR'),
      balanceAfter: 49_900,
      createdAt: at(1).toISOString(),
    };
    const account = {
      customerId: 'cus_1',
      status: 'open',
      balance: { amount: 49_900, currency: 'INR' },
      entryCount: 1,
      updatedAt: at(1).toISOString(),
    } as const;
    t.deepEqual(result, { outcome: 'posted', account, entries: [entry] });
    t.deepEqual(await store.get('cus_1'), account);
    t.deepEqual(await store.entries('cus_1', 10), { items: [entry], nextCursor: null });
    t.is((await store.get('cus_2')).balance.amount, 0);
  });

  test('post: the same credit twice → one entry, balance unchanged', async (t) => {
    const store = await makeStore();
    const first = await store.post('cus_1', [credit('ord_a')], at(1));
    const again = await store.post('cus_1', [credit('ord_a')], at(2));
    t.is(again.outcome, 'posted');
    t.deepEqual(again.outcome === 'posted' ? again.entries : null, []);
    t.deepEqual(again.account, first.account);
    t.deepEqual(await store.get('cus_1'), first.account);
    t.is((await allEntries(store, 'cus_1')).length, 1);
  });

  test('hasEntry: true once the entry is posted, for that customer only; a refused credit is no entry', async (t) => {
    const store = await makeStore();
    t.false(await store.hasEntry('cus_1', 'ord_a:credit'));
    await store.post('cus_1', [credit('ord_a')], at(1));
    t.true(await store.hasEntry('cus_1', 'ord_a:credit'));
    t.false(await store.hasEntry('cus_2', 'ord_a:credit'));
    t.false(await store.hasEntry('cus_1', 'rfnd_1:debit'));
    await store.setStatus('cus_1', 'closed', at(2));
    await store.post('cus_1', [credit('ord_b')], at(3));
    t.false(await store.hasEntry('cus_1', 'ord_b:credit'));
  });

  test('post: no drafts → posted with no entries, nothing written', async (t) => {
    const store = await makeStore();
    const result = await store.post('cus_1', [], at(1));
    t.deepEqual(result, { outcome: 'posted', account: await store.get('cus_1'), entries: [] });
    t.is((await store.get('cus_1')).updatedAt, null);
  });

  test('post: 10 concurrent posts of the same credit → exactly one entry, balance counts it once', async (t) => {
    const store = await makeStore();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.post('cus_1', [credit('ord_a')], at(i))),
    );
    t.true(results.every((r) => r.outcome === 'posted'));
    t.is(
      results.reduce((n, r) => n + (r.outcome === 'posted' ? r.entries.length : 0), 0),
      1,
    );
    const account = await store.get('cus_1');
    t.is(account.balance.amount, 49_900);
    t.is(account.entryCount, 1);
    t.is((await allEntries(store, 'cus_1')).length, 1);
  });

  test('post: a credit then its debit → balance equals the sum of the entries, each with its balanceAfter', async (t) => {
    const store = await makeStore();
    await store.post('cus_1', [credit('ord_a', 49_900)], at(1));
    const result = await store.post('cus_1', [credit('ord_a', 49_900), debit('ord_a', 'rfnd_1', 10_000)], at(2));
    t.is(result.outcome, 'posted');
    t.deepEqual(result.outcome === 'posted' ? result.entries.map((e) => [e.id, e.balanceAfter]) : null, [
      ['rfnd_1:debit', 39_900],
    ]);
    const entries = await allEntries(store, 'cus_1');
    const account = await store.get('cus_1');
    t.is(account.balance.amount, 39_900);
    t.is(account.entryCount, 2);
    t.is(
      entries.reduce((sum, e) => sum + signed(e), 0),
      account.balance.amount,
    );
    t.deepEqual(
      entries.map((e) => [e.id, e.kind, e.refundId, e.balanceAfter]),
      [
        ['rfnd_1:debit', 'debit', 'rfnd_1', 39_900],
        ['ord_a:credit', 'credit', null, 49_900],
      ],
    );
  });

  test('post: a debit beyond the balance takes it below zero', async (t) => {
    const store = await makeStore();
    await store.post('cus_1', [credit('ord_a', 10_000)], at(1));
    await store.post('cus_1', [debit('ord_a', 'rfnd_1', 25_000)], at(2));
    t.is((await store.get('cus_1')).balance.amount, -15_000);
  });

  test('post: a closed account refuses a new credit and writes nothing', async (t) => {
    const store = await makeStore();
    await store.post('cus_1', [credit('ord_a')], at(1));
    const closed = await store.setStatus('cus_1', 'closed', at(2));
    const result = await store.post('cus_1', [credit('ord_b'), debit('ord_a', 'rfnd_1')], at(3));
    t.deepEqual(result, { outcome: 'refused', reason: 'account-closed', account: closed });
    t.deepEqual(await store.get('cus_1'), closed);
    t.deepEqual(
      (await allEntries(store, 'cus_1')).map((e) => e.id),
      ['ord_a:credit'],
    );
  });

  test('post: a closed account still posts a debit, and a credit already posted is no new credit', async (t) => {
    const store = await makeStore();
    await store.post('cus_1', [credit('ord_a', 49_900)], at(1));
    await store.setStatus('cus_1', 'closed', at(2));
    const result = await store.post('cus_1', [credit('ord_a', 49_900), debit('ord_a', 'rfnd_1', 9_900)], at(3));
    t.is(result.outcome, 'posted');
    t.deepEqual(result.outcome === 'posted' ? result.entries.map((e) => e.id) : null, ['rfnd_1:debit']);
    const account = await store.get('cus_1');
    t.is(account.status, 'closed');
    t.is(account.balance.amount, 40_000);
  });

  test('setStatus: creates the account when needed; reopened, it takes credits again', async (t) => {
    const store = await makeStore();
    const closed = await store.setStatus('cus_new', 'closed', at(1));
    t.deepEqual(closed, {
      customerId: 'cus_new',
      status: 'closed',
      balance: { amount: 0, currency: 'INR' },
      entryCount: 0,
      updatedAt: at(1).toISOString(),
    });
    t.deepEqual(await store.get('cus_new'), closed);
    t.is((await store.post('cus_new', [credit('ord_a')], at(2))).outcome, 'refused');
    t.is((await store.setStatus('cus_new', 'open', at(3))).status, 'open');
    t.is((await store.post('cus_new', [credit('ord_a')], at(4))).outcome, 'posted');
    t.is((await store.get('cus_new')).balance.amount, 49_900);
  });

  test('entries: newest first; a cursor pages through 3 pages with no repeats or gaps (ties broken by id)', async (t) => {
    const store = await makeStore();
    // entries posted together share a createdAt, so page boundaries fall inside ties
    await store.post('cus_1', [credit('ord_0')], at(0));
    await store.post('cus_1', [credit('ord_1'), credit('ord_2')], at(1));
    await store.post('cus_1', [debit('ord_1', 'rfnd_a'), credit('ord_3')], at(2));
    await store.post('cus_1', [credit('ord_4'), debit('ord_4', 'rfnd_b')], at(3));
    await store.post('cus_2', [credit('ord_x')], at(2));
    const expected = [
      'rfnd_b:debit',
      'ord_4:credit',
      'rfnd_a:debit',
      'ord_3:credit',
      'ord_2:credit',
      'ord_1:credit',
      'ord_0:credit',
    ];
    const { sizes, seen } = await walkPages(t, (cursor) => store.entries('cus_1', 3, cursor));
    t.deepEqual(sizes, [3, 3, 1]);
    t.deepEqual(seen, expected);
    const full = await store.entries('cus_1', 7);
    t.is(full.items.length, 7);
    t.is(full.nextCursor, null, 'a full last page has no next cursor');
  });

  test('post: after a seeded storm of repeated, overlapping and concurrent drafts, the entries sum to the balance', async (t) => {
    const store = await makeStore();
    const random = mulberry32(20260301);
    const pick = (n: number) => Math.floor(random() * n);
    // 6 orders, each with a credit and 0–2 refunds; every post sends an order's plan so far (as ledgerPlan does)
    const plans = Array.from({ length: 6 }, (_, o) => {
      const orderId = `ord_${o}`;
      const refunds = Array.from({ length: pick(3) }, (_, r) => debit(orderId, `rfnd_${o}_${r}`, 100 + pick(5_000)));
      return [credit(orderId, 10_000 + pick(90_000)), ...refunds];
    });
    let minute = 0;
    for (let round = 0; round < 6; round++) {
      const posts = Array.from({ length: 4 }, () => {
        const plan = plans[pick(plans.length)]!;
        const drafts = plan.slice(0, 1 + pick(plan.length));
        return store.post('cus_storm', drafts, at(minute++));
      });
      await Promise.all(posts);
    }
    for (const plan of plans) await store.post('cus_storm', plan, at(minute++));

    const entries = await allEntries(store, 'cus_storm');
    const account = await store.get('cus_storm');
    const expectedIds = plans.flat().map((d) => d.id);
    t.deepEqual(entries.map((e) => e.id).sort(), [...expectedIds].sort());
    t.is(account.entryCount, expectedIds.length);
    t.is(
      entries.reduce((sum, e) => sum + signed(e), 0),
      account.balance.amount,
    );
    t.is(
      account.balance.amount,
      plans.flat().reduce((sum, d) => sum + (d.kind === 'credit' ? d.amount.amount : -d.amount.amount), 0),
    );
  });
}

/** A small seeded PRNG, so a failing storm can be replayed. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = a;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296;
  };
}
