import { createHash } from 'node:crypto';
import {
  OPERATOR_ROLES,
  type OperatorKey,
  type OperatorKeyStore,
  type OperatorRole,
} from '../../ports/operator-keys.ts';

/** Shortest API key accepted: anything shorter is guessable. */
export const MIN_OPERATOR_KEY_LENGTH = 16;

/** SHA-256 hex of an API key: the only form a key is stored or looked up in. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The stored record of a key: its hash's first 12 hex chars as the non-secret id, and its role. */
export function operatorKeyFor(hash: string, role: OperatorRole): OperatorKey {
  return { keyId: hash.slice(0, 12), role };
}

export function isOperatorRole(value: string): value is OperatorRole {
  return (OPERATOR_ROLES as readonly string[]).includes(value);
}

/** Operator API keys in memory, held only as hashes. */
export class MemoryOperatorKeyStore implements OperatorKeyStore {
  private readonly keys = new Map<string, OperatorKey>();

  /**
   * Parses `OPERATOR_API_KEYS` syntax: `role:key` pairs separated by commas (`finance:…,support:…`), whitespace
   * around pairs ignored, empty spec → no keys. Errors name the pair by position and role, never by its key; a
   * key given twice is an error (which role would it have?).
   */
  static fromPairs(spec: string): MemoryOperatorKeyStore {
    const store = new MemoryOperatorKeyStore();
    const pairs = spec
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '');
    pairs.forEach((pair, index) => {
      const where = `OPERATOR_API_KEYS pair #${index + 1}`;
      const colon = pair.indexOf(':');
      if (colon < 0) throw new Error(`${where} is not of the form role:key`);
      const role = pair.slice(0, colon).trim();
      const key = pair.slice(colon + 1).trim();
      if (!isOperatorRole(role)) {
        // the text before the colon is not echoed either: a pair missing its role would put part of a key there
        throw new Error(`${where} has an unknown role: expected one of ${OPERATOR_ROLES.join(', ')}`);
      }
      if (key.length < MIN_OPERATOR_KEY_LENGTH) {
        throw new Error(`${where} (role ${role}) has a key shorter than ${MIN_OPERATOR_KEY_LENGTH} characters`);
      }
      if (store.keys.has(hashApiKey(key))) throw new Error(`${where} (role ${role}) repeats an earlier key`);
      store.add(key, role);
    });
    return store;
  }

  /** Adds a key (stored as its hash). */
  add(key: string, role: OperatorRole): OperatorKey {
    const hash = hashApiKey(key);
    const record = operatorKeyFor(hash, role);
    this.keys.set(hash, record);
    return { ...record };
  }

  async findByHash(sha256Hex: string): Promise<OperatorKey | null> {
    const found = this.keys.get(sha256Hex.toLowerCase());
    return found ? { ...found } : null;
  }
}
