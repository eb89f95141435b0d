import type { TestFn } from 'ava';
import type { Difference } from '../../shared/domain/reconciliation.ts';
import type { ReconciliationRun, ReconciliationStore } from '../../shared/ports/reconciliation-store.ts';
import { queuedRun } from '../../shared/use-cases/start-reconciliation.ts';

/** The promises every ReconciliationStore makes. `makeStore` returns an empty store per call. */
export function reconciliationStoreContract(
  test: TestFn,
  makeStore: () => ReconciliationStore | Promise<ReconciliationStore>,
): void {
  const T0 = Date.parse('2026-03-01T10:00:00.000Z');
  const at = (minutes: number) => new Date(T0 + minutes * 60_000);

  function aRun(id: string, minutes = 0): ReconciliationRun {
    return queuedRun({
      id,
      day: '2026-03-01',
      timeZone: 'Asia/Kolkata',
      trigger: 'manual',
      requestedBy: 'abc123',
      requestedAt: at(minutes).toISOString(),
    });
  }

  function aDifference(key: string, result: Difference['result'] = 'done'): Difference {
    return {
      key,
      kind: 'captured-not-succeeded',
      action: 'settle',
      result,
      orderId: 'ord_1',
      paymentId: key.split(':')[1] ?? null,
      refundId: null,
      gatewayRefundId: null,
      detail: 'captured, was created',
    };
  }

  test('create: stores a run; the same id again keeps the first', async (t) => {
    const store = await makeStore();
    t.deepEqual(await store.create(aRun('rec_a')), aRun('rec_a'));
    const again = await store.create({ ...aRun('rec_a'), requestedBy: 'someone-else' });
    t.is(again.requestedBy, 'abc123');
    t.deepEqual(await store.get('rec_a'), aRun('rec_a'));
    t.is(await store.get('rec_missing'), null);
  });

  test('update: read-modify-write; null changes nothing; a missing run is null', async (t) => {
    const store = await makeStore();
    await store.create(aRun('rec_u'));
    const running = await store.update('rec_u', (r) => ({ ...r, status: 'running', attempts: r.attempts + 1 }));
    t.is(running?.status, 'running');
    t.is(running?.attempts, 1);
    t.is((await store.update('rec_u', () => null))?.status, 'running');
    t.is(await store.update('rec_nope', (r) => r), null);
  });

  test('list: newest requested first, in cursor pages without gaps or repeats', async (t) => {
    const store = await makeStore();
    for (let i = 0; i < 5; i++) await store.create(aRun(`rec_${i}`, i));
    await store.create(aRun('rec_4b', 4));
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await store.list(2, cursor);
      seen.push(...page.items.map((r) => r.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    t.deepEqual(seen, ['rec_4b', 'rec_4', 'rec_3', 'rec_2', 'rec_1', 'rec_0']);
  });

  test('differences: stored by key (the same key replaces), listed by key in pages', async (t) => {
    const store = await makeStore();
    await store.create(aRun('rec_d'));
    await store.putDifferences('rec_d', [aDifference('k:pay_3'), aDifference('k:pay_1'), aDifference('k:pay_2')]);
    await store.putDifferences('rec_d', [aDifference('k:pay_1', 'unchanged')]);
    const first = await store.listDifferences('rec_d', 2);
    t.deepEqual(
      first.items.map((d) => [d.key, d.result]),
      [
        ['k:pay_1', 'unchanged'],
        ['k:pay_2', 'done'],
      ],
    );
    t.truthy(first.nextCursor);
    const second = await store.listDifferences('rec_d', 2, first.nextCursor!);
    t.deepEqual(
      second.items.map((d) => d.key),
      ['k:pay_3'],
    );
    t.is(second.nextCursor, null);
    t.deepEqual((await store.listDifferences('rec_other', 10)).items, [], 'differences belong to their run');
  });

  test('lease: one run holds a day; the same run renews it; it frees on release or expiry', async (t) => {
    const store = await makeStore();
    t.deepEqual(await store.acquireLease('2026-03-01', 'rec_a', at(0), at(5)), { acquired: true });
    t.deepEqual(await store.acquireLease('2026-03-01', 'rec_b', at(1), at(6)), { acquired: false, heldBy: 'rec_a' });
    t.deepEqual(await store.acquireLease('2026-03-02', 'rec_b', at(1), at(6)), { acquired: true }, 'days are apart');
    t.deepEqual(await store.acquireLease('2026-03-01', 'rec_a', at(2), at(7)), { acquired: true }, 'renewed');
    await store.releaseLease('2026-03-01', 'rec_b');
    t.false((await store.acquireLease('2026-03-01', 'rec_b', at(3), at(8))).acquired, 'only the holder releases');
    t.true((await store.acquireLease('2026-03-01', 'rec_b', at(7), at(12))).acquired, 'an expired lease is free');
    await store.releaseLease('2026-03-01', 'rec_b');
    t.true((await store.acquireLease('2026-03-01', 'rec_c', at(8), at(13))).acquired, 'a released day is free');
  });

  test('lease: of ten runs racing for a day, exactly one gets it', async (t) => {
    const store = await makeStore();
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.acquireLease('2026-03-03', `rec_${i}`, at(0), at(5))),
    );
    t.is(results.filter((r) => r.acquired).length, 1);
  });
}
