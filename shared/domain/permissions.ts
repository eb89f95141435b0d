/** Operator roles. `support` reads; `finance` also moves money and changes accounts. */
export const OPERATOR_ROLES = ['support', 'finance'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/**
 * The one permission table: every operator action and the roles allowed to take it. Routes name an action, never a
 * role, so what a role may do is read here and nowhere else.
 */
export const OPERATOR_PERMISSIONS = {
  'orders.read': ['support', 'finance'],
  'deliveries.read': ['support', 'finance'],
  'audit.read': ['support', 'finance'],
  'webhook-issues.read': ['support', 'finance'],
  'reconciliations.read': ['support', 'finance'],
  'refunds.create': ['finance'],
  'accounts.close': ['finance'],
  'accounts.reopen': ['finance'],
  'reconciliations.run': ['finance'],
} as const satisfies Record<string, readonly OperatorRole[]>;

export type OperatorAction = keyof typeof OPERATOR_PERMISSIONS;

export function mayTake(role: OperatorRole, action: OperatorAction): boolean {
  return (OPERATOR_PERMISSIONS[action] as readonly OperatorRole[]).includes(role);
}

/** Operator actions that change something, and so are written to the audit log with their effect. */
export const AUDITED_ACTIONS = [
  'refunds.create',
  'accounts.close',
  'accounts.reopen',
  'reconciliations.run',
] as const satisfies readonly OperatorAction[];
export type AuditedAction = (typeof AUDITED_ACTIONS)[number];

/**
 * One line of the append-only audit log: who (the key's id, never the key), in which role, did what to which target,
 * in which request, why, and when. Written in the same transaction as the action's effect.
 */
export interface AuditEntry {
  /** `${requestId}:${action}:${target}`: a transaction retried writes the same entry, never a second one. */
  readonly id: string;
  readonly at: string;
  readonly actor: { readonly keyId: string; readonly role: OperatorRole };
  readonly action: AuditedAction;
  /** What was acted on: an order id, `customer:<id>`, a reconciliation day. */
  readonly target: string;
  readonly requestId: string;
  readonly reason: string | null;
  /** Small facts worth keeping (an amount, a refund id). */
  readonly detail: Readonly<Record<string, string | number>>;
}

/** Who acts and in which request: what a use case needs to write an audit entry. */
export interface Actor {
  readonly keyId: string;
  readonly role: OperatorRole;
  readonly requestId: string;
}

export function auditEntry(
  actor: Actor,
  action: AuditedAction,
  target: string,
  at: Date,
  reason: string | null,
  detail: Readonly<Record<string, string | number>> = {},
): AuditEntry {
  return {
    id: `${actor.requestId}:${action}:${target}`,
    at: at.toISOString(),
    actor: { keyId: actor.keyId, role: actor.role },
    action,
    target,
    requestId: actor.requestId,
    reason,
    detail,
  };
}
