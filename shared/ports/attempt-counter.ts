/**
 * Counts attempts at a piece of work across redeliveries and processes, so a transient failure can be retried a
 * bounded number of times before it counts as permanent. (Pub/Sub's `deliveryAttempt` is not relied on: it is absent
 * without a dead-letter policy and on the emulator.)
 */
export interface AttemptCounter {
  /** Adds one and returns the new count; atomic under concurrency. */
  increment(key: string): Promise<number>;
}
