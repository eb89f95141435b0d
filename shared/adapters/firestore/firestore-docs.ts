import { createHash } from 'node:crypto';

/** Firestore error code for a `create` on a document that exists (gRPC ALREADY_EXISTS). */
export const ALREADY_EXISTS = 6;

export function isAlreadyExists(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === ALREADY_EXISTS;
}

/** A fixed-length document id for values we do not control (`/` is a path separator, `__x__` is reserved). */
export function hashedId(...parts: readonly string[]): string {
  // NUL cannot appear in a header or JSON key the parts come from, so ("a\0b","c") never equals ("a","b\0c").
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/**
 * The value itself when it is a valid, readable document id, otherwise its hash. Our own ids (`ord_…:payment.x`)
 * stay readable in the console; anything odd that came from a gateway still lands on a legal id.
 */
export function safeDocId(value: string): string {
  const legal = /^[A-Za-z0-9_.:@+-]{1,500}$/.test(value) && value !== '.' && value !== '..' && !/^__.*__$/.test(value);
  return legal ? value : `h_${hashedId(value)}`;
}

/**
 * Domain values are plain JSON (ISO strings, integers, nulls); Firestore rejects `undefined`, so values are
 * normalised through JSON on the way in, and what a caller gets back is exactly what a later read returns.
 */
export function toData<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
