import type { InboxStore } from '../../ports/inbox-store.ts';

/** As the Firestore inbox's TTL (shared/adapters/firestore/retention.ts): a week. */
const RETENTION_MS = 7 * 86_400_000;

/**
 * Handled message ids, with when each was handled. Like Firestore's TTL policy, entries older than the retention are
 * dropped, measured against the newest time `add` was given (the embedded clock's, never the wall clock's).
 */
export class MemoryInboxStore implements InboxStore {
  private readonly seen = new Map<string, number>();
  private latest = 0;

  async has(scope: string, id: string): Promise<boolean> {
    return this.seen.has(`${scope}\u0000${id}`);
  }

  async add(scope: string, id: string, at: Date): Promise<boolean> {
    const key = `${scope}\u0000${id}`;
    if (this.seen.has(key)) return false;
    this.seen.set(key, at.getTime());
    if (at.getTime() > this.latest) this.latest = at.getTime();
    // Maps iterate in insertion order, which is nearly time order: drop expired entries from the front
    for (const [k, handled] of this.seen) {
      if (handled >= this.latest - RETENTION_MS) break;
      this.seen.delete(k);
    }
    return true;
  }
}
