import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { AppError, type InvalidField } from '../domain/errors.ts';
import type { Logger } from '../ports/logger.ts';
import type { AppEnv } from './env.ts';
import { HTTP_STATUS, type ProblemType, TITLES, transportTypeOf } from './error-status.ts';

/** RFC 9457 problem details; `type` is a stable, machine-readable URI per error type. */
export function problem(
  error: { readonly type: ProblemType; readonly message: string; readonly fields?: readonly InvalidField[] },
  instance?: string,
): Response {
  const fields = error.fields ?? [];
  const body = {
    type: `https://errors.payments.dev/${error.type}`,
    title: TITLES[error.type],
    status: HTTP_STATUS[error.type],
    detail: error.message,
    ...(fields.length > 0 ? { errors: fields } : {}),
    ...(instance ? { instance } : {}),
  };
  return new Response(JSON.stringify(body), {
    status: body.status,
    headers: { 'content-type': 'application/problem+json' },
  });
}

/** Turns anything thrown into a problem response; an unexpected error is logged and answered without its details. */
export function toProblem(error: unknown, c: Context<AppEnv>, fallbackLogger: Logger): Response {
  const logger = c.get('logger') ?? fallbackLogger;
  const path = new URL(c.req.url).pathname;
  if (error instanceof AppError) {
    if (HTTP_STATUS[error.type] >= 500) logger.log('ERROR', error.message, { type: error.type, path });
    return problem(error, path);
  }
  if (error instanceof HTTPException) {
    const type: ProblemType =
      transportTypeOf(error) ??
      (error.status === 413 ? 'payload-too-large' : error.status === 401 ? 'unauthorized' : 'validation');
    return problem({ type, message: error.message || TITLES[type] }, path);
  }
  logger.log('ERROR', 'unhandled error', { error, path });
  return problem(new AppError('internal', 'something went wrong; it has been logged'), path);
}
