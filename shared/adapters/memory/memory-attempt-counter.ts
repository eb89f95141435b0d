import type { AttemptCounter } from '../../ports/attempt-counter.ts';

/** Attempt counts in memory; an increment is synchronous, hence atomic. */
export class MemoryAttemptCounter implements AttemptCounter {
  private readonly counts = new Map<string, number>();

  async increment(key: string): Promise<number> {
    const next = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, next);
    return next;
  }
}
