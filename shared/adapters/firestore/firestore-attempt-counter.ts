import type { CollectionReference, Firestore } from '@google-cloud/firestore';
import type { AttemptCounter } from '../../ports/attempt-counter.ts';
import { safeDocId } from './firestore-docs.ts';
import { expiresAt } from './retention.ts';

interface AttemptDoc {
  readonly key: string;
  readonly count: number;
  /** Firestore's TTL policy deletes the counter after this; each increment moves it on (see retention.ts). */
  readonly expiresAt: Date;
}

/**
 * `attempt-counts/{key}` holding `{ key, count }`. An increment is a transaction (read, then set count + 1), so the
 * count it returns is exactly this increment's, however many run at once. (`FieldValue.increment` followed by a read
 * would count right but could return a later increment's value.)
 */
export class FirestoreAttemptCounter implements AttemptCounter {
  private readonly counts: CollectionReference;

  constructor(
    private readonly db: Firestore,
    prefix = '',
  ) {
    this.counts = db.collection(`${prefix}attempt-counts`);
  }

  async increment(key: string): Promise<number> {
    const ref = this.counts.doc(safeDocId(key));
    return this.db.runTransaction(
      async (tx) => {
        const snap = await tx.get(ref);
        const count = (snap.exists ? (snap.data() as AttemptDoc).count : 0) + 1;
        tx.set(ref, { key, count, expiresAt: expiresAt('attempt-counts', new Date()) } satisfies AttemptDoc);
        return count;
      },
      // a burst of redeliveries contends on one document; give it more than the default 5 tries
      { maxAttempts: 20 },
    );
  }
}
