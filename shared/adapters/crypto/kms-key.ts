import type { KeyEncryptionKey, WrappedKey } from '../../ports/key-encryption-key.ts';

/** The two calls of `@google-cloud/kms`'s KeyManagementServiceClient this adapter makes (a fake in tests). */
export interface KmsClient {
  encrypt(request: {
    name: string;
    plaintext: Uint8Array;
  }): Promise<readonly [{ name?: string | null; ciphertext?: Uint8Array | string | null }, ...unknown[]]>;
  decrypt(request: {
    name: string;
    ciphertext: Uint8Array;
  }): Promise<readonly [{ plaintext?: Uint8Array | string | null }, ...unknown[]]>;
}

/**
 * The key-encryption key in Cloud KMS: data keys are sent to KMS to be wrapped by the CryptoKey's primary version and
 * unwrapped by whichever version wrapped them (KMS reads it from the ciphertext). The version KMS reports is stored
 * with each record, so a re-wrap after KMS rotates the key can tell what still needs it. The key itself never leaves
 * KMS.
 */
export class KmsKeyEncryptionKey implements KeyEncryptionKey {
  constructor(
    private readonly client: KmsClient,
    /** `projects/<p>/locations/<l>/keyRings/<r>/cryptoKeys/<k>` */
    private readonly keyName: string,
  ) {}

  async wrap(dataKey: Uint8Array): Promise<WrappedKey> {
    const [response] = await this.client.encrypt({ name: this.keyName, plaintext: dataKey });
    if (!response.ciphertext || !response.name) throw new Error('Cloud KMS returned no ciphertext');
    return { keyVersion: response.name, wrapped: Buffer.from(response.ciphertext).toString('base64') };
  }

  async unwrap(key: WrappedKey): Promise<Uint8Array> {
    if (!key.keyVersion.startsWith(`${this.keyName}/cryptoKeyVersions/`)) {
      throw new Error('the data key was wrapped by another Cloud KMS key');
    }
    const [response] = await this.client.decrypt({
      name: this.keyName,
      ciphertext: Buffer.from(key.wrapped, 'base64'),
    });
    if (!response.plaintext) throw new Error('Cloud KMS returned no plaintext');
    return Buffer.from(response.plaintext);
  }
}

/**
 * The real client; it finds credentials the usual way (the Cloud Run service account). The library is loaded on first
 * use: a process that never wraps a key (the local key file, a service without orders) never pays for loading it.
 */
export function createKmsClient(): KmsClient {
  let client: Promise<KmsClient> | null = null;
  const real = () => {
    client ??= import('@google-cloud/kms').then((kms) => new kms.KeyManagementServiceClient() as unknown as KmsClient);
    return client;
  };
  return {
    encrypt: async (request) => (await real()).encrypt(request),
    decrypt: async (request) => (await real()).decrypt(request),
  };
}
