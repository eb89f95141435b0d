import type { TestFn } from 'ava';
import type { InboxStore } from '../../shared/ports/inbox-store.ts';

/** The promises every InboxStore makes. `makeStore` returns an empty store per call. */
export function inboxStoreContract(test: TestFn, makeStore: () => InboxStore | Promise<InboxStore>): void {
  const at = new Date('2026-03-01T10:00:00.000Z');

  test('add: first time → true, second time → false; has reports it', async (t) => {
    const inbox = await makeStore();
    t.false(await inbox.has('razorpay-webhook', 'evt_1'));
    t.true(await inbox.add('razorpay-webhook', 'evt_1', at));
    t.false(await inbox.add('razorpay-webhook', 'evt_1', at));
    t.true(await inbox.has('razorpay-webhook', 'evt_1'));
  });

  test('scopes are separate: the same id in another scope is new', async (t) => {
    const inbox = await makeStore();
    t.true(await inbox.add('razorpay-webhook', 'msg_1', at));
    t.true(await inbox.add('notifier', 'msg_1', at));
    t.false(await inbox.has('status-checker', 'msg_1'));
  });

  test('ids from outside may hold any characters (slashes, dots, reserved-looking names)', async (t) => {
    const inbox = await makeStore();
    for (const id of ['a/b/c', '.', '..', '__name__', 'x'.repeat(2000), 'ünïcødé 🙂']) {
      t.true(await inbox.add('scope', id, at), id.slice(0, 20));
      t.false(await inbox.add('scope', id, at), id.slice(0, 20));
    }
    // "a" + "\u0000b" in scope "s" is not "a\u0000" + "b"
    t.true(await inbox.add('s', 'a/b', at));
    t.false(await inbox.has('s/a', 'b'));
  });

  test('10 concurrent adds of the same id → exactly one true', async (t) => {
    const inbox = await makeStore();
    const results = await Promise.all(Array.from({ length: 10 }, () => inbox.add('notifier', 'msg_race', at)));
    t.is(results.filter(Boolean).length, 1);
  });
}
