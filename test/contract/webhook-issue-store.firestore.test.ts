import { Firestore } from '@google-cloud/firestore';
import test from 'ava';
import { FirestoreWebhookIssueStore } from '../../shared/adapters/firestore/firestore-webhook-issue-store.ts';
import { emulatorSuite, uniqueName } from '../support/emulator-test.ts';
import { webhookIssueStoreContract } from './webhook-issue-store.contract.ts';

emulatorSuite('firestore', () => {
  const db = new Firestore({ projectId: uniqueName('webhook-issues') });
  let n = 0;
  test.after.always(() => db.terminate());
  webhookIssueStoreContract(test, () => new FirestoreWebhookIssueStore(db, `t${++n}-`));
});
