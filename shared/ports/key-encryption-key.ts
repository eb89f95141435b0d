/** A data key wrapped (encrypted) by a key-encryption key, with the version of the key that wrapped it. */
export interface WrappedKey {
  /** Which key-encryption key version wrapped it: a local key file's `v<n>`, or a Cloud KMS CryptoKeyVersion name. */
  readonly keyVersion: string;
  /** The wrapped data key, base64. */
  readonly wrapped: string;
}

/**
 * The key-encryption key of envelope encryption: it never sees a record, only the per-record data keys, which it
 * wraps and unwraps. Cloud KMS on Google Cloud, a local key file in the embedded default and the emulator topology.
 */
export interface KeyEncryptionKey {
  /** Wraps a data key under the current key version. */
  wrap(dataKey: Uint8Array): Promise<WrappedKey>;
  /** Unwraps a data key wrapped by any version this key still holds; rejects for an unknown version or a forgery. */
  unwrap(key: WrappedKey): Promise<Uint8Array>;
}
