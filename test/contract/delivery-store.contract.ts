import type { TestFn } from 'ava';
import type { Delivery, DeliveryAttempt, DeliveryStore } from '../../shared/ports/delivery-store.ts';

/** The promises every DeliveryStore makes. `makeStore` returns an empty store per call. */
export function deliveryStoreContract(test: TestFn, makeStore: () => DeliveryStore | Promise<DeliveryStore>): void {
  const T0 = Date.parse('2026-03-01T10:00:00.000Z');
  const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();

  const delivery = (notificationId: string, orderId = 'ord_a', channel = 'webhook') => ({
    id: `${notificationId}@${channel}`,
    notificationId,
    orderId,
    customerId: 'cus_1',
    channel,
    target: 'https://merchant.example/hooks/payments',
  });
  const failed = (minutes: number, status: number | null = 503): DeliveryAttempt => ({
    at: at(minutes),
    status,
    ok: false,
    error: status === null ? 'timeout after 10000 ms' : `HTTP ${status}`,
  });
  const ok = (minutes: number): DeliveryAttempt => ({ at: at(minutes), status: 200, ok: true, error: null });

  test('recordAttempt: the first attempt creates the delivery; a failure leaves it pending', async (t) => {
    const store = await makeStore();
    const d = delivery('ord_a:succeeded');
    const expected: Delivery = { ...d, state: 'pending', attempts: [failed(1, null)], updatedAt: at(1) };
    t.deepEqual(await store.recordAttempt(d, failed(1, null)), expected);
    t.deepEqual(await store.get(d.id), expected);
  });

  test('recordAttempt: attempts append in order; a success → delivered, updatedAt = that attempt', async (t) => {
    const store = await makeStore();
    const d = delivery('ord_a:succeeded');
    await store.recordAttempt(d, failed(1));
    await store.recordAttempt(d, failed(2, 500));
    const done = await store.recordAttempt(d, ok(4));
    t.deepEqual(done, { ...d, state: 'delivered', attempts: [failed(1), failed(2, 500), ok(4)], updatedAt: at(4) });
    t.deepEqual(await store.get(d.id), done);
  });

  test('recordAttempt: delivered stays delivered after a later failed attempt', async (t) => {
    const store = await makeStore();
    const d = delivery('ord_a:succeeded');
    await store.recordAttempt(d, ok(1));
    const after = await store.recordAttempt(d, failed(2));
    t.is(after.state, 'delivered');
    t.is(after.attempts.length, 2);
    t.is(after.updatedAt, at(2));
    t.is((await store.get(d.id))?.state, 'delivered');
  });

  test('recordAttempt: 5 concurrent attempts → all 5 recorded', async (t) => {
    const store = await makeStore();
    const d = delivery('ord_a:succeeded');
    await Promise.all([1, 2, 3, 4, 5].map((m) => store.recordAttempt(d, failed(m))));
    const stored = await store.get(d.id);
    t.deepEqual(stored?.attempts.map((a) => a.at).sort(), [1, 2, 3, 4, 5].map(at));
  });

  test('recordAttempt: an id with a slash or other odd text is stored and read back', async (t) => {
    const store = await makeStore();
    const d = delivery('ord/a succeeded', 'ord_a', 'email');
    await store.recordAttempt(d, ok(1));
    t.is((await store.get(d.id))?.id, 'ord/a succeeded@email');
  });

  test('get: an unknown delivery → null', async (t) => {
    const store = await makeStore();
    t.is(await store.get('ntf_missing@webhook'), null);
  });

  test('list: newest updatedAt first, limited; orderId filter returns only that order', async (t) => {
    const store = await makeStore();
    const a1 = delivery('ord_a:created', 'ord_a');
    const a2 = delivery('ord_a:succeeded', 'ord_a');
    const b1 = delivery('ord_b:succeeded', 'ord_b');
    await store.recordAttempt(a1, ok(1));
    await store.recordAttempt(b1, failed(2));
    await store.recordAttempt(a2, failed(3));
    await store.recordAttempt(b1, ok(5)); // b1 moves to the top
    await store.recordAttempt(a2, failed(4));
    t.deepEqual(
      (await store.list({ limit: 10 })).map((d) => d.id),
      [b1.id, a2.id, a1.id],
    );
    t.deepEqual(
      (await store.list({ limit: 2 })).map((d) => d.id),
      [b1.id, a2.id],
    );
    t.deepEqual(
      (await store.list({ orderId: 'ord_a', limit: 10 })).map((d) => d.id),
      [a2.id, a1.id],
    );
    t.deepEqual(
      (await store.list({ orderId: 'ord_a', limit: 1 })).map((d) => d.id),
      [a2.id],
    );
    t.deepEqual(await store.list({ orderId: 'ord_none', limit: 10 }), []);
  });
}
