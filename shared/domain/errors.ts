/**
 * The one error type the product raises on purpose. Its `type` is a closed set; `HTTP_STATUS` is the one table
 * that maps each to an HTTP status, so a route never picks a status code by hand.
 */
export type AppErrorType =
  | 'validation'
  | 'malformed-json'
  | 'unsupported-media-type'
  | 'payload-too-large'
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

export const HTTP_STATUS: Readonly<Record<AppErrorType, number>> = {
  validation: 400,
  'malformed-json': 400,
  'unsupported-media-type': 415,
  'payload-too-large': 413,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  'idempotency-conflict': 409,
  'invalid-state': 409,
  'invalid-signature': 400,
  'unsupported-event': 422,
  'gateway-unavailable': 502,
  'upstream-failed': 502,
  internal: 500,
};

export const TITLES: Readonly<Record<AppErrorType, string>> = {
  validation: 'Invalid request',
  'malformed-json': 'Malformed JSON body',
  'unsupported-media-type': 'Unsupported media type',
  'payload-too-large': 'Payload too large',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  'not-found': 'Not found',
  'idempotency-conflict': 'Idempotency key reused with a different request',
  'invalid-state': 'Not allowed in the current state',
  'invalid-signature': 'Invalid signature',
  'unsupported-event': 'Event not supported',
  'gateway-unavailable': 'Payment gateway unavailable',
  'upstream-failed': 'A downstream system did not accept the request',
  internal: 'Internal error',
};

export interface InvalidField {
  readonly path: string;
  readonly message: string;
}

export class AppError extends Error {
  readonly type: AppErrorType;
  readonly fields: readonly InvalidField[];

  constructor(type: AppErrorType, detail: string, fields: readonly InvalidField[] = []) {
    super(detail);
    this.name = 'AppError';
    this.type = type;
    this.fields = fields;
  }

  get status(): number {
    return HTTP_STATUS[this.type];
  }
}
