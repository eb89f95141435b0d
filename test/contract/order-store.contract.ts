import type { TestFn } from 'ava';
import { RandomIds } from '../../shared/adapters/memory/ids.ts';
import { money } from '../../shared/domain/money.ts';
import { applyObservation, attachGatewayOrder, newOrder, type PaymentObservation } from '../../shared/domain/order.ts';
import type { Order } from '../../shared/domain/payment-types.ts';
import type { IdempotencyRecord, OrderChange, OrderStore } from '../../shared/ports/order-store.ts';
import type { Outbox } from '../../shared/ports/outbox.ts';
import { walkPages } from '../support/pages.ts';

export type OrderStoreUnderTest = OrderStore & Outbox;

/**
 * The promises every OrderStore + Outbox makes. `makeStore` must return an empty store per call (the tests run
 * concurrently and each counts what it wrote).
 */
export function orderStoreContract(
  test: TestFn,
  makeStore: () => OrderStoreUnderTest | Promise<OrderStoreUnderTest>,
): void {
  const ids = new RandomIds();
  const T0 = Date.parse('2026-03-01T10:00:00.000Z');
  const at = (minutes: number) => new Date(T0 + minutes * 60_000);

  function anOrder(options: { customerId?: string; minutes?: number; id?: string; amount?: number } = {}) {
    return newOrder({
      id: options.id ?? ids.next('ord'),
      customerId: options.customerId ?? 'cus_1',
      amount: money(options.amount ?? 49_900, 'INR'),
      description: 'Annual plan',
      notes: { plan: 'annual', 'odd.key/with space': 'x' },
      gateway: 'razorpay',
      now: at(options.minutes ?? 0),
    });
  }

  function idem(key: string, fingerprint = 'fp-1', customerId = 'cus_1'): IdempotencyRecord {
    return { customerId, key, fingerprint };
  }

  async function created(store: OrderStoreUnderTest, options: Parameters<typeof anOrder>[0] = {}): Promise<Order> {
    const { order, events } = anOrder(options);
    const result = await store.create(order, idem(ids.next('key'), 'fp', order.customerId), events);
    if (result.kind !== 'created') throw new Error(`expected created, got ${result.kind}`);
    return result.order;
  }

  /** The use cases' shape: apply an observation, commit only when it changed something. */
  const observe =
    (obs: PaymentObservation, now: Date) =>
    (order: Order): OrderChange | null => {
      const result = applyObservation(order, obs, now);
      return result.outcome === 'changed' ? { order: result.order, events: result.events } : null;
    };

  const processing: PaymentObservation = { status: 'processing', source: 'webhook', paymentId: 'pay_1' };
  const succeeded: PaymentObservation = {
    status: 'succeeded',
    source: 'webhook',
    paymentId: 'pay_1',
    paid: money(49_900, 'INR'),
  };

  async function pendingIds(store: OrderStoreUnderTest): Promise<string[]> {
    return (await store.pending(100)).map((e) => e.event.id);
  }

  test('create: new key → created; the order reads back as written with its event in the outbox', async (t) => {
    const store = await makeStore();
    const { order, events } = anOrder();
    const result = await store.create(order, idem('k1'), events);
    t.deepEqual(result, { kind: 'created', order });
    t.deepEqual(await store.get(order.id), order);
    t.deepEqual(await store.pending(10), [{ event: events[0]!, createdAt: order.createdAt }]);
  });

  test('create: same key, same fingerprint → the existing order, nothing new written', async (t) => {
    const store = await makeStore();
    const first = anOrder({ minutes: 0 });
    await store.create(first.order, idem('k1'), first.events);
    const retry = anOrder({ minutes: 1 });
    const result = await store.create(retry.order, idem('k1'), retry.events);
    t.deepEqual(result, { kind: 'existing', order: first.order });
    t.is(await store.get(retry.order.id), null);
    t.deepEqual(await pendingIds(store), [first.events[0]!.id]);
  });

  test('create: same key, other body → conflict, nothing written', async (t) => {
    const store = await makeStore();
    const first = anOrder({ minutes: 0 });
    await store.create(first.order, idem('k1', 'fp-1'), first.events);
    const other = anOrder({ minutes: 1, amount: 10_000 });
    const result = await store.create(other.order, idem('k1', 'fp-2'), other.events);
    t.deepEqual(result, { kind: 'conflict' });
    t.is(await store.get(other.order.id), null);
    t.deepEqual(await pendingIds(store), [first.events[0]!.id]);
    t.deepEqual((await store.list({ customerId: 'cus_1', limit: 10 })).items, [first.order]);
  });

  test('create: the same key from another customer is another key', async (t) => {
    const store = await makeStore();
    const a = anOrder({ customerId: 'cus_a' });
    const b = anOrder({ customerId: 'cus_b' });
    t.is((await store.create(a.order, idem('k1', 'fp-a', 'cus_a'), a.events)).kind, 'created');
    t.is((await store.create(b.order, idem('k1', 'fp-b', 'cus_b'), b.events)).kind, 'created');
  });

  test('findByIdempotencyKey: an unused key → null; used with the same body → the order; another body → conflict', async (t) => {
    const store = await makeStore();
    t.is(await store.findByIdempotencyKey(idem('k1')), null);
    const first = anOrder();
    await store.create(first.order, idem('k1', 'fp-1'), first.events);
    t.deepEqual(await store.findByIdempotencyKey(idem('k1', 'fp-1')), { kind: 'existing', order: first.order });
    t.deepEqual(await store.findByIdempotencyKey(idem('k1', 'fp-2')), { kind: 'conflict' });
    t.is(await store.findByIdempotencyKey(idem('k1', 'fp-1', 'cus_other')), null, 'keys are per customer');
  });

  test('create: an order created with its gateway order and remembered webhooks reads back whole', async (t) => {
    const store = await makeStore();
    const { order, events } = newOrder({
      id: ids.next('ord'),
      customerId: 'cus_1',
      amount: money(49_900, 'INR'),
      gateway: 'razorpay',
      gatewayOrder: { gatewayOrderId: 'order_first', keyId: 'rzp_test_k', checkoutUrl: null },
      now: at(0),
    });
    await store.create(order, idem(ids.next('key')), events);
    t.like(await store.findByGatewayOrderId('order_first'), { id: order.id, gateway: { orderId: 'order_first' } });
    const updated = await store.update(order.id, (o) => ({ order: { ...o, webhookEvents: ['evt_1'] }, events: [] }));
    t.deepEqual(updated?.webhookEvents, ['evt_1']);
    t.deepEqual(await store.get(order.id), updated);
  });

  test('get: an unknown order → null', async (t) => {
    const store = await makeStore();
    t.is(await store.get('ord_missing'), null);
  });

  test('update: commits the order and its events together', async (t) => {
    const store = await makeStore();
    const order = await created(store);
    const updated = await store.update(order.id, observe(processing, at(5)));
    t.is(updated?.status, 'processing');
    t.is(updated?.version, 2);
    t.deepEqual(await store.get(order.id), updated);
    const pending = await store.pending(10);
    t.deepEqual(
      pending.map((e) => [e.event.type, e.createdAt]),
      [
        ['payment.created', order.createdAt],
        ['payment.processing', at(5).toISOString()],
      ],
    );
    t.is(pending[1]!.event.status, 'processing');
  });

  test('update: change returning null → null, nothing written', async (t) => {
    const store = await makeStore();
    const order = await created(store);
    t.is(await store.update(order.id, () => null), null);
    t.deepEqual(await store.get(order.id), order);
    t.deepEqual(await pendingIds(store), [`${order.id}:payment.created`]);
  });

  test('update: an unknown order → null, change never called', async (t) => {
    const store = await makeStore();
    let calls = 0;
    const result = await store.update('ord_missing', (o) => {
      calls += 1;
      return { order: o, events: [] };
    });
    t.is(result, null);
    t.is(calls, 0);
    t.is(await store.get('ord_missing'), null);
  });

  test('update: 10 concurrent updates applying the same observation → exactly one change and one outbox entry', async (t) => {
    const store = await makeStore();
    const order = await created(store);
    await store.markPublished([`${order.id}:payment.created`]);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => store.update(order.id, observe(succeeded, at(5)))),
    );
    t.is(results.filter((r) => r !== null).length, 1);
    const stored = await store.get(order.id);
    t.is(stored?.status, 'succeeded');
    t.is(stored?.version, 2);
    t.is(stored?.timeline.length, 2);
    t.deepEqual(await pendingIds(store), [`${order.id}:payment.succeeded`]);
  });

  test('findByGatewayOrderId: finds the order once its gateway order is attached; unknown → null', async (t) => {
    const store = await makeStore();
    const order = await created(store);
    await created(store); // another order without a gateway order
    t.is(await store.findByGatewayOrderId('order_gw1'), null);
    const attached = await store.update(order.id, (o) => {
      const next = attachGatewayOrder(
        o,
        { gatewayOrderId: 'order_gw1', keyId: 'rzp_test_1', checkoutUrl: null },
        at(1),
      );
      return next ? { order: next, events: [] } : null;
    });
    t.is(attached?.gateway.orderId, 'order_gw1');
    t.deepEqual(await store.findByGatewayOrderId('order_gw1'), attached);
    t.is(await store.findByGatewayOrderId('order_gw2'), null);
  });

  test("list: a customer's orders newest first; another customer's never listed", async (t) => {
    const store = await makeStore();
    const mine = [await created(store, { minutes: 1 }), await created(store, { minutes: 3 })];
    await created(store, { minutes: 2, customerId: 'cus_2' });
    mine.push(await created(store, { minutes: 2 }));
    const page = await store.list({ customerId: 'cus_1', limit: 10 });
    t.deepEqual(
      page.items.map((o) => o.id),
      [mine[1]!.id, mine[2]!.id, mine[0]!.id],
    );
    t.is(page.nextCursor, null);
    t.deepEqual((await store.list({ customerId: 'cus_nobody', limit: 10 })).items, []);
  });

  test('list: status filter', async (t) => {
    const store = await makeStore();
    const a = await created(store, { minutes: 1 });
    const b = await created(store, { minutes: 2 });
    await created(store, { minutes: 3 });
    await store.update(a.id, observe(processing, at(10)));
    await store.update(b.id, observe(processing, at(11)));
    const page = await store.list({ customerId: 'cus_1', status: 'processing', limit: 10 });
    t.deepEqual(
      page.items.map((o) => o.id),
      [b.id, a.id],
    );
    t.deepEqual((await store.list({ customerId: 'cus_1', status: 'failed', limit: 10 })).items, []);
  });

  test("countOpen: the customer's created and processing orders, up to the limit; settled and others' never counted", async (t) => {
    const store = await makeStore();
    const customerId = `cus_${ids.next('c')}`;
    const a = await created(store, { customerId, minutes: 1 });
    const b = await created(store, { customerId, minutes: 2 });
    await created(store, { customerId, minutes: 3 });
    await created(store, { customerId: `${customerId}_other`, minutes: 4 });
    t.is(await store.countOpen(customerId, 20), 3);
    await store.update(a.id, observe(processing, at(10)));
    t.is(await store.countOpen(customerId, 20), 3, 'processing is still open');
    await store.update(b.id, observe(succeeded, at(11)));
    t.is(await store.countOpen(customerId, 20), 2, 'a settled order no longer counts');
    t.is(await store.countOpen(customerId, 1), 1, 'counted up to the limit');
    t.is(await store.countOpen(`${customerId}_nobody`, 20), 0);
  });

  test('list: createdAt range is [from, to)', async (t) => {
    const store = await makeStore();
    const orders = [];
    for (let m = 0; m < 5; m++) orders.push(await created(store, { minutes: m }));
    const page = await store.list({
      customerId: 'cus_1',
      createdFrom: at(1).toISOString(),
      createdTo: at(4).toISOString(),
      limit: 10,
    });
    t.deepEqual(
      page.items.map((o) => o.id),
      [orders[3]!.id, orders[2]!.id, orders[1]!.id],
    );
    const filtered = await store.list({
      customerId: 'cus_1',
      status: 'created',
      createdFrom: at(3).toISOString(),
      limit: 10,
    });
    t.deepEqual(
      filtered.items.map((o) => o.id),
      [orders[4]!.id, orders[3]!.id],
    );
  });

  test('list: cursor pages through 3 pages with no repeats or gaps (ties on createdAt broken by id)', async (t) => {
    const store = await makeStore();
    // 7 orders, three pairs sharing a createdAt, so page boundaries fall inside ties
    const minutes = [0, 1, 1, 2, 2, 3, 3];
    const all: Order[] = [];
    for (const m of minutes) all.push(await created(store, { minutes: m }));
    await created(store, { minutes: 2, customerId: 'cus_2' });
    const expected = [...all]
      .sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1))
      .map((o) => o.id);

    const { sizes, seen } = await walkPages(t, (cursor) =>
      store.list({ customerId: 'cus_1', limit: 3, ...(cursor ? { cursor } : {}) }),
    );
    t.deepEqual(sizes, [3, 3, 1]);
    t.deepEqual(seen, expected);
  });

  test('list: a full last page has no next cursor', async (t) => {
    const store = await makeStore();
    for (let m = 0; m < 4; m++) await created(store, { minutes: m });
    const first = await store.list({ customerId: 'cus_1', limit: 2 });
    t.truthy(first.nextCursor);
    const second = await store.list({ customerId: 'cus_1', limit: 2, cursor: first.nextCursor! });
    t.is(second.items.length, 2);
    t.is(second.nextCursor, null);
  });

  test('listOpen: non-terminal orders created in [from, to), oldest first, any customer', async (t) => {
    const store = await makeStore();
    const before = await created(store, { minutes: 0 });
    const open1 = await created(store, { minutes: 1 });
    const open2 = await created(store, { minutes: 2, customerId: 'cus_2' });
    const done = await created(store, { minutes: 3 });
    const open3 = await created(store, { minutes: 4 });
    const after = await created(store, { minutes: 5 });
    await store.update(open2.id, observe(processing, at(10)));
    await store.update(done.id, observe(succeeded, at(10)));
    const open = await store.listOpen(at(1).toISOString(), at(5).toISOString(), 10);
    t.deepEqual(
      open.map((o) => o.id),
      [open1.id, open2.id, open3.id],
    );
    t.deepEqual(
      (await store.listOpen(at(1).toISOString(), at(5).toISOString(), 2)).map((o) => o.id),
      [open1.id, open2.id],
    );
    t.false(open.some((o) => o.id === before.id || o.id === after.id));
  });

  test('listCreated: every order created in [from, to), any customer and status, oldest first, in cursor pages', async (t) => {
    const store = await makeStore();
    await created(store, { minutes: 0 });
    const inRange = [];
    for (let m = 1; m <= 5; m++) inRange.push(await created(store, { minutes: m, customerId: `cus_${m}` }));
    // two orders at the same instant: the id breaks the tie, so no page skips or repeats one
    inRange.push(await created(store, { minutes: 5 }));
    await created(store, { minutes: 6 });
    await store.update(inRange[1]!.id, observe(succeeded, at(10)));
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 10; pages++) {
      const page = await store.listCreated(at(1).toISOString(), at(6).toISOString(), 4, cursor);
      seen.push(...page.items.map((o) => o.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    const expected = [...inRange]
      .sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1))
      .map((o) => o.id);
    t.deepEqual(seen, expected);
  });

  test('outbox: pending oldest first, limited', async (t) => {
    const store = await makeStore();
    const a = await created(store, { minutes: 0 });
    const b = await created(store, { minutes: 1 });
    await store.update(a.id, observe(processing, at(2)));
    const c = await created(store, { minutes: 3 });
    t.deepEqual(await pendingIds(store), [
      `${a.id}:payment.created`,
      `${b.id}:payment.created`,
      `${a.id}:payment.processing`,
      `${c.id}:payment.created`,
    ]);
    t.deepEqual(
      (await store.pending(2)).map((e) => e.event.id),
      [`${a.id}:payment.created`, `${b.id}:payment.created`],
    );
  });

  test('outbox: markPublished removes entries; twice, or for unknown ids, is fine', async (t) => {
    const store = await makeStore();
    const a = await created(store, { minutes: 0 });
    const b = await created(store, { minutes: 1 });
    await store.markPublished([`${a.id}:payment.created`]);
    t.deepEqual(await pendingIds(store), [`${b.id}:payment.created`]);
    await store.markPublished([`${a.id}:payment.created`, 'evt_unknown', 'odd/id with space']);
    await store.markPublished([]);
    t.deepEqual(await pendingIds(store), [`${b.id}:payment.created`]);
    await store.markPublished([`${b.id}:payment.created`]);
    t.deepEqual(await store.pending(10), []);
  });
}
