import { Firestore } from '@google-cloud/firestore';
import test from 'ava';
import { FirestoreOrderStore } from '../../shared/adapters/firestore/firestore-order-store.ts';
import { emulatorSuite, uniqueName } from '../support/emulator-test.ts';
import { testCipher } from '../support/test-cipher.ts';
import { orderChangesContract } from './order-changes.contract.ts';

emulatorSuite('firestore', () => {
  // the snapshot listener against the emulator: pushed changes, no polling
  const db = new Firestore({ projectId: uniqueName('order-changes') });
  const cipher = testCipher();
  let n = 0;
  test.after.always(() => db.terminate());
  orderChangesContract(test, () => new FirestoreOrderStore(db, cipher, `t${++n}-`));
});
