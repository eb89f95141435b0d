import type { AuditEntry } from '../domain/permissions.ts';
import type { AuditQuery } from '../ports/audit-log.ts';
import type { Page } from '../ports/order-store.ts';
import { assertCursor } from './customer-orders.ts';
import type { Deps } from './deps.ts';

/** Operators read the audit log, newest first, by target or action. */
export function listAuditLog(query: AuditQuery, deps: Pick<Deps, 'audit'>): Promise<Page<AuditEntry>> {
  assertCursor(query.cursor);
  return deps.audit.list(query);
}
