/**
 * The one error type the product raises on purpose. Its `type` is a closed set of what went wrong in product terms;
 * how each maps to an HTTP status is the transport's business (shared/http/error-status.ts), not the domain's.
 */
export type AppErrorType =
  | 'validation'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'idempotency-conflict'
  | 'invalid-state'
  | 'invalid-signature'
  | 'unsupported-event'
  | 'gateway-unavailable'
  | 'upstream-failed'
  | 'internal';

/** One field of a request that failed validation, by its dot path. */
export interface InvalidField {
  readonly path: string;
  readonly message: string;
}

/** A failure raised on purpose, with a `type` callers may switch over and, for validation, the offending fields. */
export class AppError extends Error {
  readonly type: AppErrorType;
  readonly fields: readonly InvalidField[];

  constructor(type: AppErrorType, detail: string, fields: readonly InvalidField[] = []) {
    super(detail);
    this.name = 'AppError';
    this.type = type;
    this.fields = fields;
  }
}
