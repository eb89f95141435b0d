import { HTTPException } from 'hono/http-exception';
import type { AppErrorType } from '../domain/errors.ts';

/** Failures only HTTP can have: the request never became something a use case could look at. */
export type TransportErrorType =
  | 'malformed-json'
  | 'unsupported-media-type'
  | 'payload-too-large'
  | 'too-many-requests';

/** Every problem type an HTTP answer can carry. */
export type ProblemType = AppErrorType | TransportErrorType;

/** The one table from problem type to HTTP status, so a route never picks a status code by hand. */
export const HTTP_STATUS: Readonly<
  Record<ProblemType, 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 502>
> = {
  validation: 400,
  'malformed-json': 400,
  'unsupported-media-type': 415,
  'payload-too-large': 413,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  'idempotency-conflict': 409,
  'invalid-state': 409,
  'too-many-requests': 429,
  'invalid-signature': 400,
  'unsupported-event': 422,
  'gateway-unavailable': 502,
  'upstream-failed': 502,
  internal: 500,
};

/** The human title of each problem type (RFC 9457 `title`). */
export const TITLES: Readonly<Record<ProblemType, string>> = {
  validation: 'Invalid request',
  'malformed-json': 'Malformed JSON body',
  'unsupported-media-type': 'Unsupported media type',
  'payload-too-large': 'Payload too large',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  'not-found': 'Not found',
  'idempotency-conflict': 'Idempotency key reused with a different request',
  'invalid-state': 'Not allowed in the current state',
  'too-many-requests': 'Too many requests',
  'invalid-signature': 'Invalid signature',
  'unsupported-event': 'Event not supported',
  'gateway-unavailable': 'Payment gateway unavailable',
  'upstream-failed': 'A downstream system did not accept the request',
  internal: 'Internal error',
};

const TRANSPORT_TYPES: readonly string[] = [
  'malformed-json',
  'unsupported-media-type',
  'payload-too-large',
  'too-many-requests',
];

/**
 * A transport failure, thrown as Hono's own HTTPException (the domain's AppError has no such kinds); `cause` names
 * the problem type so the answer says exactly what was wrong.
 */
export function transportError(type: TransportErrorType, detail: string): HTTPException {
  return new HTTPException(HTTP_STATUS[type], { message: detail, cause: type });
}

/** The transport problem type an HTTPException stands for, if it was made by {@link transportError}. */
export function transportTypeOf(error: HTTPException): TransportErrorType | null {
  return typeof error.cause === 'string' && TRANSPORT_TYPES.includes(error.cause)
    ? (error.cause as TransportErrorType)
    : null;
}
