import type { Context } from 'hono';
import * as v from 'valibot';
import { AppError, type InvalidField } from '../domain/errors.ts';
import { transportError } from './error-status.ts';

function fieldsOf(issues: readonly v.BaseIssue<unknown>[]): InvalidField[] {
  return issues.map((issue) => ({ path: v.getDotPath(issue) ?? '(body)', message: issue.message }));
}

export function parseWith<S extends v.GenericSchema>(schema: S, value: unknown, what: string): v.InferOutput<S> {
  const result = v.safeParse(schema, value);
  if (!result.success) {
    const fields = fieldsOf(result.issues);
    throw new AppError(
      'validation',
      `invalid ${what}: ${fields.map((f) => `${f.path} ${f.message}`).join('; ')}`,
      fields,
    );
  }
  return result.output;
}

/** Reads the raw body; JSON bodies only. Malformed JSON is a 400 with nothing done, never a 500. */
export async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type)) {
    throw transportError('unsupported-media-type', 'send the body as application/json');
  }
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch {
    throw transportError('malformed-json', 'the body is not valid JSON');
  }
}

export async function parseJsonBody<S extends v.GenericSchema>(c: Context, schema: S): Promise<v.InferOutput<S>> {
  return parseWith(schema, await readJson(c), 'body');
}

export function parseQuery<S extends v.GenericSchema>(c: Context, schema: S): v.InferOutput<S> {
  return parseWith(schema, c.req.query(), 'query');
}

/** A JSON body that may be left out (no body, or an empty one): undefined then; otherwise as {@link parseJsonBody}. */
export async function parseOptionalJsonBody<S extends v.GenericSchema>(
  c: Context,
  schema: S,
): Promise<v.InferOutput<S> | undefined> {
  if ((c.req.header('content-length') ?? '') === '0' || !c.req.header('content-type')) {
    const text = await c.req.text();
    if (text.trim() === '') return undefined;
    throw transportError('unsupported-media-type', 'send the body as application/json');
  }
  return parseJsonBody(c, schema);
}
