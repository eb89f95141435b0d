/**
 * How long records kept only to make retries safe are kept: each such document carries an `expiresAt` timestamp, and
 * Firestore's TTL policies (infra/firestore/firestore.indexes.json `fieldOverrides`, created by `npm run infra:apply`, which prints the gcloud commands)
 * delete it some time after. Deletion is eventual (typically within a day), so nothing relies on it for correctness.
 */
export const RETENTION_DAYS = {
  /** Idempotency-Key records: a client retries within minutes; a week is generous. */
  'idempotency-keys': 7,
  /** Handled webhook and message ids: longer than any gateway retry, and than the webhook tolerance. */
  inbox: 7,
  /** Attempt counters: redeliveries stop after days at most. */
  'attempt-counts': 30,
  /** Delivery records operators inspect: a month of history. */
  deliveries: 30,
} as const;

/** When a record of `collection` written at `at` expires, as the Date Firestore stores as a Timestamp (TTL needs it). */
export function expiresAt(collection: keyof typeof RETENTION_DAYS, at: Date | string): Date {
  return new Date(new Date(at).getTime() + RETENTION_DAYS[collection] * 86_400_000);
}
