import type { AuditEntry, AuditedAction } from '../domain/permissions.ts';
import type { Page } from './order-store.ts';

export interface AuditQuery {
  readonly target?: string;
  readonly action?: AuditedAction;
  readonly limit: number;
  /** Opaque, from a previous page's `nextCursor`. */
  readonly cursor?: string;
}

/**
 * The append-only audit log of operator actions (collection `audit-log`). Entries are written by the stores in the
 * transaction of the action's effect (an order's refund, an account's status); `append` is for an action whose effect
 * has no transaction of its own. Nothing updates or deletes an entry.
 */
export interface AuditLog {
  append(entry: AuditEntry): Promise<void>;
  /** Newest first. */
  list(query: AuditQuery): Promise<Page<AuditEntry>>;
}
