import type { Firestore } from '@google-cloud/firestore';
import { type FieldCipher, isSealed } from '../crypto/field-cipher.ts';

/** Collections whose documents carry a `sealed` envelope (without the test prefix). */
export const SEALED_COLLECTIONS = ['orders'] as const;

/**
 * Re-wraps every sealed document's data key under the current key-encryption key version, page by page. Only `kv`
 * and `dk` change: the field ciphertexts are neither decrypted nor rewritten. Each document is one transaction, so a
 * concurrent update (which seals with the same data key) is never lost. Returns how many documents were re-wrapped
 * and how many were already current.
 */
export async function rewrapCollection(
  db: Firestore,
  collection: string,
  cipher: FieldCipher,
  pageSize = 200,
): Promise<{ rewrapped: number; current: number }> {
  const ref = db.collection(collection);
  let rewrapped = 0;
  let current = 0;
  let last: string | null = null;
  for (;;) {
    let q = ref.orderBy('__name__').limit(pageSize);
    if (last !== null) q = q.startAfter(last);
    const page = await q.get();
    if (page.empty) return { rewrapped, current };
    for (const doc of page.docs) {
      const changed = await db.runTransaction(async (tx) => {
        const snap = await tx.get(doc.ref);
        const sealed = snap.get('sealed');
        if (!isSealed(sealed)) return false;
        const next = await cipher.rewrap(sealed);
        if (!next) return false;
        tx.update(doc.ref, { 'sealed.kv': next.kv, 'sealed.dk': next.dk });
        return true;
      });
      if (changed) rewrapped++;
      else current++;
    }
    last = page.docs.at(-1)!.id;
  }
}
