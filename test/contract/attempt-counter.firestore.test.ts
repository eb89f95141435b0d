import { Firestore } from '@google-cloud/firestore';
import test from 'ava';
import { FirestoreAttemptCounter } from '../../shared/adapters/firestore/firestore-attempt-counter.ts';
import { emulatorSuite, uniqueName } from '../support/emulator-test.ts';
import { attemptCounterContract } from './attempt-counter.contract.ts';

emulatorSuite('firestore', () => {
  const db = new Firestore({ projectId: uniqueName('attempts') });
  let n = 0;
  test.after.always(() => db.terminate());
  attemptCounterContract(test, () => new FirestoreAttemptCounter(db, `t${++n}-`));
});
