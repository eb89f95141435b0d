import { Firestore } from '@google-cloud/firestore';
import test from 'ava';
import { FirestoreOperatorKeyStore } from '../../shared/adapters/firestore/firestore-operator-keys.ts';
import { hashApiKey } from '../../shared/adapters/memory/memory-operator-keys.ts';
import { emulatorSuite, uniqueName } from '../support/emulator-test.ts';
import { operatorKeysContract } from './operator-keys.contract.ts';

emulatorSuite('firestore', () => {
  const db = new Firestore({ projectId: uniqueName('operator-keys') });
  let n = 0;
  test.after.always(() => db.terminate());

  operatorKeysContract(test, async (keys) => {
    const store = new FirestoreOperatorKeyStore(db, `t${++n}-`);
    for (const [role, key] of keys) await store.put(key, role);
    return store;
  });

  test('put: stores only { role, keyId } under the hash, never the key; a second put changes the role', async (t) => {
    const prefix = `t${++n}-`;
    const store = new FirestoreOperatorKeyStore(db, prefix);
    const key = 'provisioned-0123456789';
    const hash = hashApiKey(key);
    t.deepEqual(await store.put(key, 'support'), { keyId: hash.slice(0, 12), role: 'support' });
    const docs = (await db.collection(`${prefix}operator-keys`).get()).docs;
    t.deepEqual(
      docs.map((d) => [d.id, d.data()]),
      [[hash, { role: 'support', keyId: hash.slice(0, 12) }]],
    );
    await store.put(key, 'finance');
    t.deepEqual(await store.findByHash(hash), { keyId: hash.slice(0, 12), role: 'finance' });
  });
});
