import type { Context } from 'hono';
import * as v from 'valibot';
import { AppError, type InvalidField } from '../domain/errors.ts';
import { transportError } from './error-status.ts';

/** Where a value came from; names the field in an error (`header: Idempotency-Key`, `query: limit`, `amount`). */
export type Place = 'body' | 'query' | 'header' | 'path';

const TYPE_NAMES: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  boolean: 'true or false',
  object: 'an object',
  strict_object: 'an object',
  record: 'an object',
  array: 'a list',
};

/** valibot's `expected` for a picklist reads `"a" | "b"`; people read `a, b`. */
function choices(expected: string | null): string {
  return (expected ?? '').replaceAll('"', '').split(' | ').join(', ');
}

/**
 * What a person should be told for an issue whose schema set no message of its own. valibot's defaults
 * ("Invalid type: Expected never but received …") describe its internals, not the request.
 */
function plainMessage(issue: v.BaseIssue<unknown>): string {
  // a missing key is reported by its object, with the key's name expected
  if (issue.received === 'undefined') return 'is required';
  switch (issue.type) {
    case 'strict_object':
      // an extra key is reported on the key itself, with `never` expected
      return issue.expected === 'never' ? 'is not a field of this request; remove it' : 'must be a JSON object';
    case 'picklist':
      return `must be one of ${choices(issue.expected)}`;
    case 'integer':
      return 'must be a whole number';
    case 'min_value':
      return `must be at least ${issue.requirement}`;
    case 'max_value':
      return `must be at most ${issue.requirement}`;
    case 'min_length':
      return Number(issue.requirement) === 1 ? 'must not be empty' : `must be at least ${issue.requirement} long`;
    case 'max_length':
      return `must be at most ${issue.requirement} long`;
    case 'iso_timestamp':
      return 'must be an ISO 8601 timestamp, e.g. 2026-03-01T10:00:00Z';
    case 'to_number':
      return 'must be a number';
    case 'regex':
      return 'has characters or a length that is not allowed';
    default: {
      const wanted = TYPE_NAMES[issue.type];
      return wanted ? `must be ${wanted}` : 'is not valid';
    }
  }
}

function label(place: Place, path: string | null, name?: string): string {
  const field = [name, path].filter(Boolean).join('.');
  if (place === 'body') return field || 'body';
  return field ? `${place}: ${field}` : place;
}

/** One entry per invalid field (the first issue of each), so a person reads one plain message per field. */
function fieldsOf(issues: readonly v.BaseIssue<unknown>[], place: Place, name?: string): InvalidField[] {
  const byPath = new Map<string, string>();
  for (const issue of issues) {
    const path = label(place, v.getDotPath(issue), name);
    if (!byPath.has(path)) byPath.set(path, issue.message);
  }
  return [...byPath].map(([path, message]) => ({ path, message }));
}

/**
 * Parses `value` with `schema`; an invalid value is a 400 naming each invalid field and what is wrong with it.
 * `place` and `name` say where the value came from (`header` + `Idempotency-Key`).
 */
export function parseIn<S extends v.GenericSchema>(
  place: Place,
  schema: S,
  value: unknown,
  name?: string,
  what = 'request',
): v.InferOutput<S> {
  const result = v.safeParse(schema, value, { message: plainMessage });
  if (!result.success) {
    const fields = fieldsOf(result.issues, place, name);
    throw new AppError(
      'validation',
      `invalid ${what}: ${fields.map((f) => `${f.path} ${f.message}`).join('; ')}`,
      fields,
    );
  }
  return result.output;
}

/** Parses a value that is neither a header nor a query (a pushed event, say); `what` names it in the error. */
export function parseWith<S extends v.GenericSchema>(schema: S, value: unknown, what: string): v.InferOutput<S> {
  return parseIn('body', schema, value, undefined, what);
}

/** A request header, parsed; errors name it as `header: <name>`. */
export function parseHeader<S extends v.GenericSchema>(c: Context, name: string, schema: S): v.InferOutput<S> {
  return parseIn('header', schema, c.req.header(name), name);
}

/** A path parameter, parsed; errors name it as `path: <name>`. */
export function parseParam<S extends v.GenericSchema>(c: Context, name: string, schema: S): v.InferOutput<S> {
  return parseIn('path', schema, c.req.param(name), name);
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
  // such a key is spelled out in the text, or hidden behind an escape (`\u005f_proto__`); a body with neither is
  // parsed without the reviver, which costs as much again as the parse
  const suspect = text.includes('\\') || [...PROTOTYPE_KEYS].some((key) => text.includes(key));
  try {
    parsed = suspect
      ? JSON.parse(text, (key, value) => {
          if (PROTOTYPE_KEYS.has(key)) prototypeKey = key;
          return value;
        })
      : JSON.parse(text);
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

/** The JSON body, parsed; errors name each field by its dot path (`notes.plan`). */
export async function parseJsonBody<S extends v.GenericSchema>(c: Context, schema: S): Promise<v.InferOutput<S>> {
  return parseIn('body', schema, await readJson(c));
}

/** The query string, parsed; errors name each parameter as `query: <name>`. */
export function parseQuery<S extends v.GenericSchema>(c: Context, schema: S): v.InferOutput<S> {
  return parseIn('query', schema, c.req.query());
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
