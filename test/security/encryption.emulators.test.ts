import { execFile } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { Firestore } from '@google-cloud/firestore';
import test from 'ava';
import { FieldCipher } from '../../shared/adapters/crypto/field-cipher.ts';
import { LocalKeyFile } from '../../shared/adapters/crypto/local-key-file.ts';
import { FirestoreOrderStore } from '../../shared/adapters/firestore/firestore-order-store.ts';
import { MemoryLogger } from '../../shared/adapters/logging/json-logger.ts';
import { ManualClock } from '../../shared/adapters/memory/clocks.ts';
import { money } from '../../shared/domain/money.ts';
import { attachGatewayOrder, newOrder } from '../../shared/domain/order.ts';
import { applyRefundStatus, requestRefund } from '../../shared/domain/refund.ts';
import { applyGatewayStatus } from '../../shared/use-cases/apply-gateway-status.ts';
import { emulatorSuite, uniqueName } from '../support/emulator-test.ts';
import { testKeyFile } from '../support/test-cipher.ts';

const run = promisify(execFile);

/** Every value a payer or the gateway wrote that must never be stored in clear. */
const SECRETS = {
  description: 'Gold plan for priya.sharma@example.in',
  phone: '+919876543210',
  vpa: 'priya.sharma@okhdfcbank',
  gatewayError: 'Payment declined by HDFC Bank for account 50100234567890',
  refundReason: 'customer priya asked on +919876543210',
  refundFailure: 'beneficiary account 50100234567890 closed',
};

async function rawDocuments(db: Firestore): Promise<{ path: string; data: Record<string, unknown> }[]> {
  const docs: { path: string; data: Record<string, unknown> }[] = [];
  for (const collection of await db.listCollections()) {
    for (const doc of (await collection.get()).docs) docs.push({ path: doc.ref.path, data: doc.data() });
  }
  return docs;
}

emulatorSuite('firestore', () => {
  test('after a full payment with notes, no raw Firestore document holds any payment information in clear, and keys:rotate re-wraps the data keys without touching the ciphertext', async (t) => {
    const projectId = uniqueName('sealed');
    const keyFile = testKeyFile();
    const db = new Firestore({ projectId });
    t.teardown(() => db.terminate());
    const store = new FirestoreOrderStore(db, new FieldCipher(LocalKeyFile.lazy(keyFile)));
    const clock = new ManualClock();
    const deps = {
      orders: store,
      outbox: store,
      bus: { publish: async () => 'm-1' },
      clock,
      logger: new MemoryLogger(),
    };

    const { order, events } = newOrder({
      id: uniqueName('ord'),
      customerId: 'cust_priya',
      amount: money(49_900, 'INR'),
      description: SECRETS.description,
      notes: { phone: SECRETS.phone, vpa: SECRETS.vpa },
      gateway: 'razorpay',
      now: clock.now(),
    });
    t.is(
      (await store.create(order, { customerId: 'cust_priya', key: 'k1', fingerprint: 'f' }, events)).kind,
      'created',
    );
    await store.update(order.id, (o) => ({
      order: attachGatewayOrder(o, { gatewayOrderId: 'order_S1', keyId: 'rzp', checkoutUrl: null }, clock.now())!,
      events: [],
    }));
    await applyGatewayStatus(
      order.id,
      { status: 'failed', source: 'webhook', paymentId: 'pay_1', reason: SECRETS.gatewayError },
      deps,
    );
    await applyGatewayStatus(
      order.id,
      { status: 'succeeded', source: 'webhook', paymentId: 'pay_2', paid: money(49_900, 'INR') },
      deps,
    );
    await store.update(order.id, (o) => {
      const change = requestRefund(
        o,
        { refundId: 'rfd_1', reason: SECRETS.refundReason, trigger: 'operator', requestedBy: 'op' },
        clock.now(),
      );
      return change.outcome === 'changed' ? change : null;
    });
    await store.update(order.id, (o) => {
      const change = applyRefundStatus(
        o,
        { refundId: 'rfd_1', status: 'failed', failureReason: SECRETS.refundFailure, source: 'webhook' },
        clock.now(),
      );
      return change.outcome === 'changed' ? change : null;
    });

    const read = await store.get(order.id);
    t.is(read?.description, SECRETS.description, 'the store itself reads it back');
    t.deepEqual(read?.notes, { phone: SECRETS.phone, vpa: SECRETS.vpa });
    t.is(read?.refunds[0]?.failureReason, SECRETS.refundFailure);
    t.true(read?.timeline.some((e) => e.detail === SECRETS.gatewayError));
    t.is((await store.list({ customerId: 'cust_priya', limit: 5 })).items[0]?.description, SECRETS.description);

    const before = await rawDocuments(db);
    t.true(before.length >= 2, 'the order and its idempotency key are stored');
    const raw = JSON.stringify(before);
    for (const [what, value] of Object.entries(SECRETS)) t.false(raw.includes(value), `${what} appears in clear`);
    for (const fragment of ['priya.sharma', '9876543210', '50100234567890']) t.false(raw.includes(fragment));
    const idempotency = before.find((d) => d.path.startsWith('idempotency-keys/'))?.data;
    t.true(
      (idempotency?.expiresAt as { toDate?: () => Date } | undefined)?.toDate?.() instanceof Date,
      'the idempotency record carries expiresAt as a Timestamp, for the TTL policy',
    );
    const sealedBefore = before.find((d) => d.path === `orders/${order.id}`)?.data.sealed as Record<string, string>;
    t.is(sealedBefore.kv, 'v1');
    t.is((await stat(keyFile)).mode & 0o777, 0o600, 'the key file is readable by its owner only');

    // the command itself, as an operator runs it
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'infra/keys/rotate.ts'], {
      env: { ...process.env, RUNTIME: 'embedded', LOCAL_KEY_FILE: keyFile, GOOGLE_CLOUD_PROJECT: projectId },
    });
    t.regex(stdout, /"collection":"orders","rewrapped":1,"current":0,"keyVersion":"v2"/);
    t.is(JSON.parse(await readFile(keyFile, 'utf8')).current, 'v2');

    const after = await rawDocuments(db);
    const sealedAfter = after.find((d) => d.path === `orders/${order.id}`)?.data.sealed as Record<string, string>;
    t.is(sealedAfter.kv, 'v2', 'the data key is wrapped under the new version');
    t.not(sealedAfter.dk, sealedBefore.dk);
    t.is(sealedAfter.ct, sealedBefore.ct, 'the ciphertext was not touched');
    t.is(sealedAfter.iv, sealedBefore.iv);
    const reopened = new FirestoreOrderStore(db, new FieldCipher(await LocalKeyFile.open(keyFile)));
    t.deepEqual(await reopened.get(order.id), read, 'the order reads the same under the rotated key');
  });
});
