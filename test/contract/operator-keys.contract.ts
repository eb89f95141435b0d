import type { TestFn } from 'ava';
import { hashApiKey } from '../../shared/adapters/memory/memory-operator-keys.ts';
import type { OperatorKeyStore, OperatorRole } from '../../shared/ports/operator-keys.ts';

export type ProvisionedKeys = ReadonlyArray<readonly [OperatorRole, string]>;

/** The promises every OperatorKeyStore makes. `makeStore` returns a store holding exactly the given keys. */
export function operatorKeysContract(
  test: TestFn,
  makeStore: (keys: ProvisionedKeys) => OperatorKeyStore | Promise<OperatorKeyStore>,
): void {
  const financeKey = 'fin-0123456789abcdef';
  const supportKey = 'sup-fedcba9876543210';

  test('findByHash: a provisioned key is found by the sha256 hex of the key, with its role and a 12-char keyId', async (t) => {
    const store = await makeStore([
      ['finance', financeKey],
      ['support', supportKey],
    ]);
    const financeHash = hashApiKey(financeKey);
    t.deepEqual(await store.findByHash(financeHash), { keyId: financeHash.slice(0, 12), role: 'finance' });
    t.deepEqual(await store.findByHash(hashApiKey(supportKey)), {
      keyId: hashApiKey(supportKey).slice(0, 12),
      role: 'support',
    });
  });

  test('findByHash: an unknown hash, the key itself, or text that is no hash → null', async (t) => {
    const store = await makeStore([['finance', financeKey]]);
    t.is(await store.findByHash(hashApiKey('some-other-key-0000')), null);
    t.is(await store.findByHash(financeKey), null);
    t.is(await store.findByHash(''), null);
    t.is(await store.findByHash('../operator-keys/x'), null);
  });
}
