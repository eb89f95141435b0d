import { Firestore } from '@google-cloud/firestore';
import test from 'ava';
import { FirestoreOrderStore } from '../../shared/adapters/firestore/firestore-order-store.ts';
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
});
