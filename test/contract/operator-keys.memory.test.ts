import test from 'ava';
import { hashApiKey, MemoryOperatorKeyStore } from '../../shared/adapters/memory/memory-operator-keys.ts';
import { operatorKeysContract } from './operator-keys.contract.ts';

operatorKeysContract(test, (keys) =>
  MemoryOperatorKeyStore.fromPairs(keys.map(([role, key]) => `${role}:${key}`).join(',')),
);

const financeKey = 'fin-0123456789abcdef';
const supportKey = 'sup-fedcba9876543210';

test('hashApiKey: sha256 hex of the key', (t) => {
  t.is(hashApiKey('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
});

test('fromPairs: role:key pairs, comma-separated, whitespace around pairs ignored → each key found with its role', async (t) => {
  const store = MemoryOperatorKeyStore.fromPairs(` finance:${financeKey} , support:${supportKey},`);
  t.is((await store.findByHash(hashApiKey(financeKey)))?.role, 'finance');
  t.is((await store.findByHash(hashApiKey(supportKey)))?.role, 'support');
});

test('fromPairs: an empty spec → a store with no keys', async (t) => {
  const store = MemoryOperatorKeyStore.fromPairs('');
  t.is(await store.findByHash(hashApiKey(financeKey)), null);
});

test('fromPairs: a key may contain colons (only the first colon separates the role)', async (t) => {
  const key = 'abc:def:0123456789xyz';
  const store = MemoryOperatorKeyStore.fromPairs(`support:${key}`);
  t.is((await store.findByHash(hashApiKey(key)))?.role, 'support');
});

/** The error for `spec`, checked to name the pair and to contain no part of `secret` (6+ chars of it). */
function refused(t: import('ava').ExecutionContext, spec: string, secret: string, names: RegExp): void {
  const error = t.throws(() => MemoryOperatorKeyStore.fromPairs(spec));
  const message = error?.message ?? '';
  t.regex(message, names);
  for (let i = 0; i + 6 <= secret.length; i++) {
    t.false(message.includes(secret.slice(i, i + 6)), `the error echoes part of the key: ${message}`);
  }
}

test('fromPairs: an unknown role → an error naming the pair, without the key', (t) => {
  refused(t, `support:${supportKey},admin:${financeKey}`, financeKey, /pair #2 has an unknown role.*support, finance/);
});

test('fromPairs: a key shorter than 16 characters → an error naming the pair and role, without the key', (t) => {
  refused(t, 'finance:short-key-15ch', 'short-key-15ch', /pair #1 \(role finance\).*shorter than 16/);
});

test('fromPairs: a pair without a role (no colon) → an error naming the pair, without the key', (t) => {
  refused(t, `finance:${financeKey},${supportKey}`, supportKey, /pair #2 is not of the form role:key/);
});

test('fromPairs: a key missing its role but holding a colon → an error that does not echo the text before the colon', (t) => {
  const key = 'secretpart:0123456789abcdef';
  refused(t, key, key, /pair #1 has an unknown role/);
});

test('fromPairs: the same key twice → an error, without the key', (t) => {
  refused(
    t,
    `finance:${financeKey},support:${financeKey}`,
    financeKey,
    /pair #2 \(role support\) repeats an earlier key/,
  );
});
