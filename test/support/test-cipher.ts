import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FieldCipher } from '../../shared/adapters/crypto/field-cipher.ts';
import { LocalKeyFile } from '../../shared/adapters/crypto/local-key-file.ts';

/** A key file of the test's own in the temp directory, and the path it lives at (for rotation tests). */
export function testKeyFile(): string {
  return join(tmpdir(), `payments-test-keys-${randomUUID()}`, 'kek.json');
}

/** A FieldCipher under a fresh local key file: what the Firestore adapters seal with in tests. */
export function testCipher(path = testKeyFile()): FieldCipher {
  return new FieldCipher(LocalKeyFile.lazy(path));
}
