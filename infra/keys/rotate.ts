import { pathToFileURL } from 'node:url';
import { Firestore } from '@google-cloud/firestore';
import { FieldCipher } from '../../shared/adapters/crypto/field-cipher.ts';
import { createKmsClient, KmsKeyEncryptionKey } from '../../shared/adapters/crypto/kms-key.ts';
import { LocalKeyFile } from '../../shared/adapters/crypto/local-key-file.ts';
import { rewrapCollection, SEALED_COLLECTIONS } from '../../shared/adapters/firestore/firestore-rewrap.ts';
import { loadConfig } from '../../shared/config.ts';

/**
 * `npm run keys:rotate`: with a local key file, adds a new key version and makes it current (Cloud KMS rotates its
 * own key versions, by schedule or `gcloud kms keys versions create`); then re-wraps every record's data key under
 * the current version. Payment information at rest is never decrypted: only the wrapped data keys change. Prints one
 * JSON line per collection. Settings: KMS_KEY_NAME or LOCAL_KEY_FILE, GOOGLE_CLOUD_PROJECT, FIRESTORE_EMULATOR_HOST.
 * `prefix` (tests) prefixes the collection names.
 */
export async function rotateKeys(
  env: Readonly<Record<string, string | undefined>>,
  prefix = '',
): Promise<Record<string, { rewrapped: number; current: number; keyVersion?: string }>> {
  const config = loadConfig(env);
  const projectId = env.GOOGLE_CLOUD_PROJECT ?? (config.RUNTIME === 'google' ? config.GOOGLE_CLOUD_PROJECT : undefined);
  if (!projectId) throw new Error('keys:rotate needs GOOGLE_CLOUD_PROJECT');
  let keyVersion: string | undefined;
  let cipher: FieldCipher;
  if (config.KMS_KEY_NAME) {
    cipher = new FieldCipher(new KmsKeyEncryptionKey(createKmsClient(), config.KMS_KEY_NAME));
  } else {
    const file = config.LOCAL_KEY_FILE ?? '.keys/payments-kek.json';
    keyVersion = await LocalKeyFile.rotate(file);
    cipher = new FieldCipher(await LocalKeyFile.open(file));
  }
  const db = new Firestore({ projectId });
  try {
    const results: Record<string, { rewrapped: number; current: number; keyVersion?: string }> = {};
    for (const collection of SEALED_COLLECTIONS) {
      results[collection] = {
        ...(await rewrapCollection(db, `${prefix}${collection}`, cipher)),
        ...(keyVersion ? { keyVersion } : {}),
      };
    }
    return results;
  } finally {
    await db.terminate();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  try {
    const results = await rotateKeys(process.env);
    for (const [collection, result] of Object.entries(results)) {
      console.log(JSON.stringify({ severity: 'INFO', message: 'keys re-wrapped', collection, ...result }));
    }
  } catch (error) {
    console.error(JSON.stringify({ severity: 'ERROR', message: 'keys:rotate failed', error: String(error) }));
    process.exit(1);
  }
}
