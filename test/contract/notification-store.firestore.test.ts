import { Firestore } from '@google-cloud/firestore';
import test from 'ava';
import { FirestoreNotificationStore } from '../../shared/adapters/firestore/firestore-notification-store.ts';
import { emulatorSuite, uniqueName } from '../support/emulator-test.ts';
import { notificationStoreContract } from './notification-store.contract.ts';

emulatorSuite('firestore', () => {
  const db = new Firestore({ projectId: uniqueName('notifications') });
  let n = 0;
  test.after.always(() => db.terminate());
  notificationStoreContract(test, () => new FirestoreNotificationStore(db, `t${++n}-`));
});
