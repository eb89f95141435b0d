import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyEncryptionKey, WrappedKey } from '../../ports/key-encryption-key.ts';

/**
 * A sealed value as stored: AES-256-GCM ciphertext under a data key of its own, and that data key wrapped by the
 * key-encryption key (`kv` names the version). Re-wrapping after a key rotation changes `kv` and `dk` only.
 */
export interface Sealed {
  /** Format version of this envelope. */
  readonly alg: 'A256GCM';
  readonly kv: string;
  readonly dk: string;
  readonly iv: string;
  readonly ct: string;
  readonly tag: string;
}

/** Wrapped data keys unwrapped recently: a KMS round trip per read would be slow and costly. */
const CACHE_SIZE = 1000;

/**
 * Envelope encryption of a record's sensitive fields, used by the Firestore adapters (never the domain): the fields
 * are serialised as JSON and sealed with AES-256-GCM under a random data key, which the key-encryption key wraps.
 * The record's path is the additional authenticated data, so a sealed blob copied onto another record does not open.
 */
export class FieldCipher {
  private readonly unwrapped = new Map<string, Buffer>();

  constructor(private readonly kek: KeyEncryptionKey) {}

  /**
   * Seals `value` for the record at `context`. `previous` (the record's current envelope) lends its data key, so a
   * record keeps one data key across updates and costs no new wrap; a fresh one is made when there is none.
   */
  async seal(value: unknown, context: string, previous?: Sealed | null): Promise<Sealed> {
    let dataKey: Buffer;
    let wrapped: WrappedKey;
    if (previous) {
      wrapped = { keyVersion: previous.kv, wrapped: previous.dk };
      dataKey = await this.dataKey(wrapped);
    } else {
      dataKey = randomBytes(32);
      wrapped = await this.kek.wrap(dataKey);
      this.remember(wrapped, dataKey);
    }
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ct = Buffer.concat([cipher.update(JSON.stringify(value ?? null), 'utf8'), cipher.final()]);
    return {
      alg: 'A256GCM',
      kv: wrapped.keyVersion,
      dk: wrapped.wrapped,
      iv: iv.toString('base64'),
      ct: ct.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
    };
  }

  /** Opens what `seal` made for the same `context`; throws if it was altered or belongs to another record. */
  async open<T>(sealed: Sealed, context: string): Promise<T> {
    const dataKey = await this.dataKey({ keyVersion: sealed.kv, wrapped: sealed.dk });
    const decipher = createDecipheriv('aes-256-gcm', dataKey, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(sealed.ct, 'base64')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as T;
  }

  /**
   * The same envelope with its data key wrapped anew under the current key version: the ciphertext is untouched and
   * never decrypted. Returns null when the key version did not change (nothing to write).
   */
  async rewrap(sealed: Sealed): Promise<Sealed | null> {
    const dataKey = await this.dataKey({ keyVersion: sealed.kv, wrapped: sealed.dk });
    const wrapped = await this.kek.wrap(dataKey);
    if (wrapped.keyVersion === sealed.kv) return null;
    this.remember(wrapped, dataKey);
    return { ...sealed, kv: wrapped.keyVersion, dk: wrapped.wrapped };
  }

  private async dataKey(wrapped: WrappedKey): Promise<Buffer> {
    const id = `${wrapped.keyVersion}\u0000${wrapped.wrapped}`;
    const known = this.unwrapped.get(id);
    if (known) return known;
    const dataKey = Buffer.from(await this.kek.unwrap(wrapped));
    if (dataKey.length !== 32) throw new Error('an unwrapped data key is not 256 bits');
    this.remember(wrapped, dataKey);
    return dataKey;
  }

  private remember(wrapped: WrappedKey, dataKey: Buffer): void {
    if (this.unwrapped.size >= CACHE_SIZE) this.unwrapped.delete(this.unwrapped.keys().next().value!);
    this.unwrapped.set(`${wrapped.keyVersion}\u0000${wrapped.wrapped}`, dataKey);
  }
}

/** True for a value shaped like an envelope `seal` made. */
export function isSealed(value: unknown): value is Sealed {
  if (typeof value !== 'object' || value === null) return false;
  const s = value as Record<string, unknown>;
  return s.alg === 'A256GCM' && ['kv', 'dk', 'iv', 'ct', 'tag'].every((k) => typeof s[k] === 'string');
}
