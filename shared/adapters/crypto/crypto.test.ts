import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { FieldCipher } from './field-cipher.ts';
import { type KmsClient, KmsKeyEncryptionKey } from './kms-key.ts';
import { LocalKeyFile } from './local-key-file.ts';

const keyPath = () => join(tmpdir(), `kek-test-${process.pid}-${Math.random().toString(36).slice(2)}`, 'kek.json');

test('a sealed value opens to the same value for the same record, and holds none of it in clear', async (t) => {
  const cipher = new FieldCipher(await LocalKeyFile.open(keyPath()));
  const value = { description: 'for alice@example.com', notes: { phone: '+919999999999' } };
  const sealed = await cipher.seal(value, 'orders/ord_1');
  t.false(JSON.stringify(sealed).includes('alice'));
  t.false(JSON.stringify(sealed).includes('9999999999'));
  t.deepEqual(await cipher.open(sealed, 'orders/ord_1'), value);
});

test('a sealed value copied onto another record, or altered, does not open', async (t) => {
  const cipher = new FieldCipher(await LocalKeyFile.open(keyPath()));
  const sealed = await cipher.seal({ a: 1 }, 'orders/ord_1');
  await t.throwsAsync(cipher.open(sealed, 'orders/ord_2'));
  const ct = Buffer.from(sealed.ct, 'base64');
  ct[0] = (ct[0] ?? 0) ^ 1;
  await t.throwsAsync(cipher.open({ ...sealed, ct: ct.toString('base64') }, 'orders/ord_1'));
});

test('each record gets its own data key, and an update keeps the record’s data key', async (t) => {
  const cipher = new FieldCipher(await LocalKeyFile.open(keyPath()));
  const one = await cipher.seal('x', 'orders/1');
  const two = await cipher.seal('x', 'orders/2');
  t.not(one.dk, two.dk);
  const updated = await cipher.seal('y', 'orders/1', one);
  t.is(updated.dk, one.dk);
  t.not(updated.ct, one.ct);
});

test('the key file is created readable by its owner only, and rotation adds a version that re-wraps data keys while old ones still open', async (t) => {
  const path = keyPath();
  const cipher = new FieldCipher(await LocalKeyFile.open(path));
  t.is((await stat(path)).mode & 0o777, 0o600);
  const sealed = await cipher.seal({ vpa: 'alice@upi' }, 'orders/1');
  t.is(sealed.kv, 'v1');
  t.is(await LocalKeyFile.rotate(path), 'v2');
  t.is((await stat(path)).mode & 0o777, 0o600);
  t.deepEqual(Object.keys(JSON.parse(await readFile(path, 'utf8')).keys), ['v1', 'v2']);
  const rotated = new FieldCipher(await LocalKeyFile.open(path));
  t.deepEqual(await rotated.open(sealed, 'orders/1'), { vpa: 'alice@upi' }, 'v1 still unwraps');
  const rewrapped = await rotated.rewrap(sealed);
  t.is(rewrapped?.kv, 'v2');
  t.is(rewrapped?.ct, sealed.ct, 'the ciphertext is untouched');
  t.deepEqual(await new FieldCipher(await LocalKeyFile.open(path)).open(rewrapped!, 'orders/1'), { vpa: 'alice@upi' });
  t.is(await rotated.rewrap(rewrapped!), null, 'already current: nothing to write');
});

test('processes opening a missing key file together all end up with the same key', async (t) => {
  const path = keyPath();
  const files = await Promise.all([1, 2, 3, 4].map(() => LocalKeyFile.open(path)));
  const sealed = await new FieldCipher(files[0]!).seal('same', 'r');
  for (const file of files) t.is(await new FieldCipher(file).open(sealed, 'r'), 'same');
});

test('Cloud KMS wraps data keys with its primary version and unwraps them, and refuses a key of another CryptoKey', async (t) => {
  const key = 'projects/p/locations/asia-south1/keyRings/payments/cryptoKeys/pii';
  const calls: string[] = [];
  // a fake client: "encrypts" by xor, names the primary version like KMS does
  const client: KmsClient = {
    async encrypt({ name, plaintext }) {
      calls.push(`encrypt ${name}`);
      return [{ name: `${name}/cryptoKeyVersions/3`, ciphertext: Buffer.from(plaintext).map((b) => b ^ 0x5a) }];
    },
    async decrypt({ name, ciphertext }) {
      calls.push(`decrypt ${name}`);
      return [{ plaintext: Buffer.from(ciphertext).map((b) => b ^ 0x5a) }];
    },
  };
  const cipher = new FieldCipher(new KmsKeyEncryptionKey(client, key));
  const sealed = await cipher.seal({ contact: '+919999999999' }, 'orders/1');
  t.is(sealed.kv, `${key}/cryptoKeyVersions/3`);
  const fresh = new FieldCipher(new KmsKeyEncryptionKey(client, key));
  t.deepEqual(await fresh.open(sealed, 'orders/1'), { contact: '+919999999999' });
  t.deepEqual(calls, [`encrypt ${key}`, `decrypt ${key}`]);
  await t.throwsAsync(new FieldCipher(new KmsKeyEncryptionKey(client, `${key}-other`)).open(sealed, 'orders/1'), {
    message: /another Cloud KMS key/,
  });
});
