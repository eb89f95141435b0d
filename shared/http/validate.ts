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

/** Deeper JSON than any request of ours needs is refused before it is parsed (a parser's recursion is not free). */
export const MAX_JSON_DEPTH = 16;

/** Keys that name the prototype chain: no request of ours has them, and merging them anywhere could pollute it. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{' || ch === '[') max = Math.max(max, ++depth);
    else if (ch === '}' || ch === ']') depth--;
  }
  return max;
}

/**
 * Reads the raw body; JSON bodies only. Malformed JSON, nesting deeper than MAX_JSON_DEPTH and keys such as
 * `__proto__` are a 400 with nothing done, never a 500.
 */
export async function readJson(c: Context): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type)) {
    throw transportError('unsupported-media-type', 'send the body as application/json');
  }
  const text = await c.req.text();
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new AppError('validation', `the body nests deeper than ${MAX_JSON_DEPTH} levels`, [
      { path: '(body)', message: 'too deep' },
    ]);
  }
  let prototypeKey: string | null = null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text, (key, value) => {
      if (PROTOTYPE_KEYS.has(key)) prototypeKey = key;
      return value;
    });
  } catch {
    throw transportError('malformed-json', 'the body is not valid JSON');
  }
  if (prototypeKey !== null) {
    throw new AppError('validation', `the body has a key named ${prototypeKey}, which no request takes`, [
      { path: prototypeKey, message: 'not allowed' },
    ]);
  }
  return parsed;
}

export async function parseJsonBody<S extends v.GenericSchema>(c: Context, schema: S): Promise<v.InferOutput<S>> {
  return parseWith(schema, await readJson(c), 'body');
}

export function parseQuery<S extends v.GenericSchema>(c: Context, schema: S): v.InferOutput<S> {
  return parseWith(schema, c.req.query(), 'query');
}
