import { Firestore } from '@google-cloud/firestore';
import test from 'ava';
import { FirestoreAccountStore } from '../../shared/adapters/firestore/firestore-account-store.ts';
import { FirestoreAuditLog } from '../../shared/adapters/firestore/firestore-audit-log.ts';
import { FirestoreOrderStore } from '../../shared/adapters/firestore/firestore-order-store.ts';
import { emulatorSuite, uniqueName } from '../support/emulator-test.ts';
import { testCipher } from '../support/test-cipher.ts';
import { auditLogContract } from './audit-log.contract.ts';

emulatorSuite('firestore', () => {
  const db = new Firestore({ projectId: uniqueName('audit') });
  const cipher = testCipher();
  let n = 0;
  test.after.always(() => db.terminate());
  auditLogContract(test, () => {
    const prefix = `t${++n}-`;
    return {
      audit: new FirestoreAuditLog(db, prefix),
      orders: new FirestoreOrderStore(db, cipher, prefix),
      accounts: new FirestoreAccountStore(db, prefix),
    };
  });
});
