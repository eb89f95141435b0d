import { Firestore } from '@google-cloud/firestore';
import test from 'ava';
import { FirestoreOrderStore } from '../../shared/adapters/firestore/firestore-order-store.ts';
import { RandomIds } from '../../shared/adapters/memory/ids.ts';
import { money } from '../../shared/domain/money.ts';
import { attachGatewayOrder, newOrder } from '../../shared/domain/order.ts';
import { emulatorSuite, uniqueName } from '../support/emulator-test.ts';
import { testCipher } from '../support/test-cipher.ts';
import { orderStoreContract } from './order-store.contract.ts';

emulatorSuite('firestore', () => {
  // A project of its own (the emulator keeps projects apart) and a collection prefix per test: files and tests
  // run concurrently against one emulator.
  const db = new Firestore({ projectId: uniqueName('orders') });
  const cipher = testCipher();
  let n = 0;
  test.after.always(() => db.terminate());
  orderStoreContract(test, () => new FirestoreOrderStore(db, cipher, `t${++n}-`));

  test('createMany: 600 orders (more than one batch) read back as written, sealed, found by gateway order, their keys bound', async (t) => {
    const prefix = `t${++n}-`;
    const store = new FirestoreOrderStore(db, cipher, prefix);
    const ids = new RandomIds();
    const now = new Date('2026-03-01T10:00:00.000Z');
    const made = Array.from({ length: 600 }, (_, i) => {
      const draft = newOrder({
        id: ids.next('ord'),
        customerId: 'cus_bulk',
        amount: money(49_900, 'INR'),
        description: 'secret plan',
        notes: { plan: 'annual' },
        gateway: 'razorpay',
        now,
      }).order;
      const order = attachGatewayOrder(
        draft,
        { gatewayOrderId: `order_bulk${i}`, keyId: 'rzp_test_x', checkoutUrl: null },
        now,
      )!;
      return { order, idempotency: { customerId: 'cus_bulk', key: `k-${i}`, fingerprint: 'fp' } };
    });
    await store.createMany(made);
    const last = made[599]!.order;
    t.deepEqual(await store.get(last.id), last);
    t.deepEqual(await store.findByGatewayOrderId('order_bulk599'), last);
    const raw = (await db.collection(`${prefix}orders`).doc(last.id).get()).data()!;
    t.false(JSON.stringify(raw).includes('secret plan'), 'the description is sealed, as create seals it');
    const again = await store.create(last, made[599]!.idempotency, []);
    t.like(again, { kind: 'existing' });
    t.is((await store.pending(10)).length, 0, 'no events written');
  });
});
