import { Firestore } from '@google-cloud/firestore';
import test from 'ava';
import { FirestoreAccountStore } from '../../shared/adapters/firestore/firestore-account-store.ts';
import { emulatorSuite, uniqueName } from '../support/emulator-test.ts';
import { accountStoreContract } from './account-store.contract.ts';

emulatorSuite('firestore', () => {
  // A project of its own and a collection prefix per test: files and tests run concurrently against one emulator.
  const db = new Firestore({ projectId: uniqueName('accounts') });
  let n = 0;
  test.after.always(() => db.terminate());
  accountStoreContract(test, () => new FirestoreAccountStore(db, `t${++n}-`));
});
