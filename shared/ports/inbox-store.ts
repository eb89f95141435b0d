/**
 * Remembers message ids a consumer has handled, so a redelivered webhook or Pub/Sub message is dropped.
 * `scope` separates consumers (`razorpay-webhook`, `notifier`).
 */
export interface InboxStore {
  has(scope: string, id: string): Promise<boolean>;
  /** Idempotent. Returns false when the id was already recorded. */
  add(scope: string, id: string, at: Date): Promise<boolean>;
}
