import type { PaymentEvent } from '../domain/events.ts';

/** Events committed with the state change that caused them, waiting to be published. */
export interface OutboxEntry {
  readonly event: PaymentEvent;
  readonly createdAt: string;
}

export interface Outbox {
  /** Oldest first. */
  pending(limit: number): Promise<readonly OutboxEntry[]>;
  /** Idempotent: marking an entry twice, or one already gone, is fine. */
  markPublished(eventIds: readonly string[]): Promise<void>;
}
