import type { OperatorRole } from '../domain/permissions.ts';

export { OPERATOR_ROLES, type OperatorRole } from '../domain/permissions.ts';

export interface OperatorKey {
  /** A short, non-secret id for logs and audit (`requestedBy`): the first 12 hex chars of the hash. */
  readonly keyId: string;
  readonly role: OperatorRole;
}

/** API keys are stored only as SHA-256 hashes; a lookup is by the hash of the presented key. */
export interface OperatorKeyStore {
  findByHash(sha256Hex: string): Promise<OperatorKey | null>;
}
