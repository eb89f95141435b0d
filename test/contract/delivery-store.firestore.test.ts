import { Firestore } from '@google-cloud/firestore';
import test from 'ava';
import { FirestoreDeliveryStore } from '../../shared/adapters/firestore/firestore-delivery-store.ts';
import { emulatorSuite, uniqueName } from '../support/emulator-test.ts';
import { deliveryStoreContract } from './delivery-store.contract.ts';

emulatorSuite('firestore', () => {
  const db = new Firestore({ projectId: uniqueName('deliveries') });
  let n = 0;
  test.after.always(() => db.terminate());
  deliveryStoreContract(test, () => new FirestoreDeliveryStore(db, `t${++n}-`));
});
