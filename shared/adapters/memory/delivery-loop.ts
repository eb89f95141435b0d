import type { Clock } from '../../ports/clock.ts';

/** Sends a request to a service's Hono app (in process) or over HTTP; the same shape as `fetch`. */
export type Dispatch = (request: Request) => Promise<Response>;

export interface RetryPolicy {
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  /** After this many failed attempts the item is given up (dead-lettered). */
  readonly maxAttempts: number;
}

export interface PendingDelivery<T> {
  readonly key: string;
  readonly item: T;
  dueAt: number;
  /** Attempts made so far. */
  attempts: number;
}

/**
 * The part the in-memory queue and bus share: items due at a time, attempted, rescheduled with doubling backoff on
 * failure, given up after `maxAttempts`. Nothing runs by itself: a test calls `runDue()` (or `runOne()` with its own
 * choice of item, for seeded random order), and the embedded server calls `start()` to pump on a timer.
 */
export class DeliveryLoop<T> {
  private readonly pendingItems = new Map<string, PendingDelivery<T>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private timer: NodeJS.Timeout | null = null;
  private pumping = false;

  constructor(
    private readonly clock: Clock,
    private readonly policy: RetryPolicy,
    private readonly attempt: (delivery: PendingDelivery<T>) => Promise<boolean>,
    private readonly onGiveUp: (delivery: PendingDelivery<T>) => void,
  ) {}

  add(key: string, item: T, dueAt: number): void {
    this.pendingItems.set(key, { key, item, dueAt, attempts: 0 });
  }

  has(key: string): boolean {
    return this.pendingItems.has(key);
  }

  get size(): number {
    return this.pendingItems.size;
  }

  pending(): readonly PendingDelivery<T>[] {
    return [...this.pendingItems.values()];
  }

  due(): PendingDelivery<T>[] {
    const now = this.clock.now().getTime();
    return [...this.pendingItems.values()].filter((d) => d.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt);
  }

  /** Attempts one due item (`pick` chooses among them, e.g. seeded random); false when nothing is due. */
  async runOne(pick: (count: number) => number = () => 0): Promise<boolean> {
    const due = this.due();
    if (due.length === 0) return false;
    const delivery = due[Math.min(pick(due.length), due.length - 1)]!;
    await this.deliver(delivery);
    return true;
  }

  /** Attempts every due item concurrently, repeating until none is due; returns how many attempts were made. */
  async runDue(): Promise<number> {
    let count = 0;
    for (let due = this.due(); due.length > 0; due = this.due()) {
      count += due.length;
      await Promise.all(due.map((d) => this.deliver(d)));
    }
    return count;
  }

  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.pumping) return;
      this.pumping = true;
      const run = this.runDue().finally(() => {
        this.pumping = false;
        this.inFlight.delete(run);
      });
      this.inFlight.add(run);
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await Promise.allSettled([...this.inFlight]);
  }

  private async deliver(delivery: PendingDelivery<T>): Promise<void> {
    // taken out while in flight so a concurrent pump cannot send the same attempt twice
    this.pendingItems.delete(delivery.key);
    let ok = false;
    try {
      ok = await this.attempt(delivery);
    } catch {
      ok = false;
    }
    delivery.attempts += 1;
    if (ok) return;
    if (delivery.attempts >= this.policy.maxAttempts) {
      this.onGiveUp(delivery);
      return;
    }
    const backoff = Math.min(this.policy.minBackoffMs * 2 ** (delivery.attempts - 1), this.policy.maxBackoffMs);
    delivery.dueAt = this.clock.now().getTime() + backoff;
    this.pendingItems.set(delivery.key, delivery);
  }
}

/** What the in-memory queue and bus expose of their loop: step it from a test, or pump it on a timer. */
export abstract class Pumped<T> {
  protected abstract readonly loop: DeliveryLoop<T>;

  /** Attempts everything due, repeatedly, until nothing is; returns the number of attempts. */
  runDue(): Promise<number> {
    return this.loop.runDue();
  }

  /** Attempts one due item (`pick` chooses which); false when nothing is due. */
  runOne(pick?: (count: number) => number): Promise<boolean> {
    return this.loop.runOne(pick);
  }

  start(intervalMs: number): void {
    this.loop.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }
}
