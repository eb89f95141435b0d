import type { CollectionReference, Firestore } from '@google-cloud/firestore';
import type { InboxStore } from '../../ports/inbox-store.ts';
import { hashedId, isAlreadyExists } from './firestore-docs.ts';
import { expiresAt } from './retention.ts';

interface InboxDoc {
  readonly scope: string;
  readonly id: string;
  readonly at: string;
  /** Firestore's TTL policy deletes the entry after this (see retention.ts). */
  readonly expiresAt: Date;
}

/**
 * `inbox/{sha256(scope, id)}`: one document per handled message. The id is hashed because message ids come from
 * outside (gateway event ids, Pub/Sub message ids) and could contain `/` or be reserved names. `add` is a
 * Firestore `create`, which is atomic: of two concurrent deliveries exactly one gets `true`.
 */
export class FirestoreInboxStore implements InboxStore {
  private readonly inbox: CollectionReference;

  constructor(db: Firestore, prefix = '') {
    this.inbox = db.collection(`${prefix}inbox`);
  }

  async has(scope: string, id: string): Promise<boolean> {
    const snap = await this.inbox.doc(hashedId(scope, id)).get();
    return snap.exists;
  }

  async add(scope: string, id: string, at: Date): Promise<boolean> {
    try {
      await this.inbox
        .doc(hashedId(scope, id))
        .create({ scope, id, at: at.toISOString(), expiresAt: expiresAt('inbox', at) } satisfies InboxDoc);
      return true;
    } catch (error) {
      if (isAlreadyExists(error)) return false;
      throw error;
    }
  }
}
