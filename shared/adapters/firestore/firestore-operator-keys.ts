import type { CollectionReference, Firestore } from '@google-cloud/firestore';
import type { OperatorKey, OperatorKeyStore, OperatorRole } from '../../ports/operator-keys.ts';
import { hashApiKey, operatorKeyFor } from '../memory/memory-operator-keys.ts';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** `operator-keys/{sha256 hex of the key}` holding `{ role, keyId }`: the key itself is never stored. */
export class FirestoreOperatorKeyStore implements OperatorKeyStore {
  private readonly keys: CollectionReference;

  constructor(db: Firestore, prefix = '') {
    this.keys = db.collection(`${prefix}operator-keys`);
  }

  /** Provisions (or re-roles) a key, for provisioning scripts and tests. */
  async put(key: string, role: OperatorRole): Promise<OperatorKey> {
    const hash = hashApiKey(key);
    const record = operatorKeyFor(hash, role);
    await this.keys.doc(hash).set({ role: record.role, keyId: record.keyId });
    return record;
  }

  async findByHash(sha256Hex: string): Promise<OperatorKey | null> {
    const hash = sha256Hex.toLowerCase();
    // anything but a hash is not a key we stored, and must not become a document path
    if (!SHA256_HEX.test(hash)) return null;
    const snap = await this.keys.doc(hash).get();
    if (!snap.exists) return null;
    const data = snap.data() as OperatorKey;
    return { keyId: data.keyId, role: data.role };
  }
}
