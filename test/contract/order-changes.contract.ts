import type { TestFn } from 'ava';
import { RandomIds } from '../../shared/adapters/memory/ids.ts';
import { money } from '../../shared/domain/money.ts';
import { applyObservation, newOrder } from '../../shared/domain/order.ts';
import type { Order } from '../../shared/domain/payment-types.ts';
import type { OrderChanges } from '../../shared/ports/order-changes.ts';
import type { OrderStore } from '../../shared/ports/order-store.ts';

export type OrderChangesUnderTest = OrderStore & OrderChanges;

/** Waits until `seen` holds an order satisfying `done`, or fails after `ms`. */
async function waitFor(seen: Order[], done: (o: Order) => boolean, ms = 10_000): Promise<Order> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = seen.find(done);
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(`not seen within ${ms} ms: ${JSON.stringify(seen.map((o) => o.status))}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The promises every OrderChanges makes (the live order stream relies on them). */
export function orderChangesContract(
  test: TestFn,
  makeStore: () => OrderChangesUnderTest | Promise<OrderChangesUnderTest>,
): void {
  const ids = new RandomIds();

  async function created(store: OrderChangesUnderTest): Promise<Order> {
    const { order, events } = newOrder({
      id: ids.next('ord'),
      customerId: 'cus_1',
      amount: money(49_900, 'INR'),
      gateway: 'razorpay',
      now: new Date('2026-03-01T10:00:00.000Z'),
    });
    const result = await store.create(order, { customerId: 'cus_1', key: ids.next('key'), fingerprint: 'fp' }, events);
    if (result.kind !== 'created') throw new Error(result.kind);
    return result.order;
  }

  const step = (store: OrderChangesUnderTest, orderId: string, status: 'processing' | 'failed') =>
    store.update(orderId, (order) => {
      const r = applyObservation(order, { status, source: 'webhook', paymentId: 'pay_1' }, new Date());
      return r.outcome === 'changed' ? { order: r.order, events: r.events } : null;
    });

  test('watch: the order as it stands at once, then every committed change, in order', async (t) => {
    const store = await makeStore();
    const order = await created(store);
    const seen: Order[] = [];
    const stop = store.watch(order.id, (o) => seen.push(o));
    t.like(await waitFor(seen, () => true), { id: order.id, status: 'created' });
    await step(store, order.id, 'processing');
    await waitFor(seen, (o) => o.status === 'processing');
    await step(store, order.id, 'failed');
    const last = await waitFor(seen, (o) => o.status === 'failed');
    t.deepEqual(
      last.timeline.map((e) => e.to),
      ['created', 'processing', 'failed'],
    );
    const lengths = seen.map((o) => o.timeline.length);
    t.deepEqual(lengths, [...lengths].sort(), 'never told an older state after a newer one');
    stop();
  });

  test('watch: after unsubscribe nothing more is told; other orders are never told', async (t) => {
    const store = await makeStore();
    const order = await created(store);
    const other = await created(store);
    const seen: Order[] = [];
    const stop = store.watch(order.id, (o) => seen.push(o));
    await waitFor(seen, () => true);
    await step(store, other.id, 'processing');
    stop();
    stop();
    const count = seen.length;
    await step(store, order.id, 'processing');
    await new Promise((resolve) => setTimeout(resolve, 300));
    t.is(seen.length, count);
    t.true(seen.every((o) => o.id === order.id));
  });
}
