import { Firestore } from '@google-cloud/firestore';
import test from 'ava';
import { FirestoreInboxStore } from '../../shared/adapters/firestore/firestore-inbox-store.ts';
import { emulatorSuite, uniqueName } from '../support/emulator-test.ts';
import { inboxStoreContract } from './inbox-store.contract.ts';

emulatorSuite('firestore', () => {
  const db = new Firestore({ projectId: uniqueName('inbox') });
  let n = 0;
  test.after.always(() => db.terminate());
  inboxStoreContract(test, () => new FirestoreInboxStore(db, `t${++n}-`));
});
