import type { TestFn } from 'ava';
import type { PaymentEvent } from '../../shared/domain/events.ts';
import { money } from '../../shared/domain/money.ts';
import { type Notification, notificationFor } from '../../shared/domain/notification.ts';
import type { NotificationStore } from '../../shared/ports/notification-store.ts';
import { walkPages } from '../support/pages.ts';

/** The promises every NotificationStore makes. `makeStore` returns an empty store per call. */
export function notificationStoreContract(
  test: TestFn,
  makeStore: () => NotificationStore | Promise<NotificationStore>,
): void {
  const T0 = Date.parse('2026-03-01T10:00:00.000Z');
  const at = (minutes: number) => new Date(T0 + minutes * 60_000);

  function notification(orderId: string, minutes: number, customerId = 'cus_1'): Notification {
    const event: PaymentEvent = {
      id: `${orderId}:payment.succeeded`,
      type: 'payment.succeeded',
      orderId,
      customerId,
      amount: money(49_900, 'INR'),
      status: 'succeeded',
      paymentId: 'pay_1',
      source: 'webhook',
      occurredAt: at(minutes).toISOString(),
    };
    return notificationFor(event, at(minutes));
  }

  test('add: the same notification id twice → stored once, second add false', async (t) => {
    const store = await makeStore();
    const first = notification('ord_a', 0);
    t.true(await store.add(first));
    t.false(await store.add({ ...first, message: 'a different text', createdAt: at(9).toISOString() }));
    const page = await store.list('cus_1', 10);
    t.deepEqual(page.items, [first]);
    t.is(page.nextCursor, null);
  });

  test("list: newest first; another customer's notifications never listed", async (t) => {
    const store = await makeStore();
    const a = notification('ord_a', 1);
    const b = notification('ord_b', 3);
    const c = notification('ord_c', 2);
    for (const n of [a, b, c, notification('ord_x', 2, 'cus_2')]) await store.add(n);
    t.deepEqual((await store.list('cus_1', 10)).items, [b, c, a]);
    t.deepEqual((await store.list('cus_nobody', 10)).items, []);
  });

  test('list: cursor pages through 3 pages with no repeats or gaps (ties broken by id)', async (t) => {
    const store = await makeStore();
    const all = [0, 1, 1, 2, 2, 3, 3].map((m, i) => notification(`ord_${i}`, m));
    for (const n of all) await store.add(n);
    await store.add(notification('ord_other', 2, 'cus_2'));
    const expected = [...all]
      .sort((x, y) => (x.createdAt === y.createdAt ? (x.id < y.id ? 1 : -1) : x.createdAt < y.createdAt ? 1 : -1))
      .map((n) => n.id);
    const { sizes, seen } = await walkPages(t, (cursor) => store.list('cus_1', 3, cursor));
    t.deepEqual(sizes, [3, 3, 1]);
    t.deepEqual(seen, expected);
  });
}
