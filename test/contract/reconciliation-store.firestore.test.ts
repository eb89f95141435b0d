import { Firestore } from '@google-cloud/firestore';
import test from 'ava';
import { FirestoreReconciliationStore } from '../../shared/adapters/firestore/firestore-reconciliation-store.ts';
import { emulatorSuite, uniqueName } from '../support/emulator-test.ts';
import { reconciliationStoreContract } from './reconciliation-store.contract.ts';

emulatorSuite('firestore', () => {
  // a project of its own and a collection prefix per test: files and tests run concurrently against one emulator
  const db = new Firestore({ projectId: uniqueName('reconciliations') });
  let n = 0;
  test.after.always(() => db.terminate());
  reconciliationStoreContract(test, () => new FirestoreReconciliationStore(db, `t${++n}-`));
});
