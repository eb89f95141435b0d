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

/** A heap entry: valid only while `live` maps its key to it (entries are invalidated, not removed, on change). */
interface Slot<T> {
  readonly delivery: PendingDelivery<T>;
  readonly dueAt: number;
  /** Ties on `dueAt` go in the order items were (re)scheduled, as the insertion-ordered map listed them before. */
  readonly seq: number;
}

/**
 * The part the in-memory queue and bus share: items due at a time, attempted, rescheduled with doubling backoff on
 * failure, given up after `maxAttempts`. Nothing runs by itself: a test calls `runDue()` (or `runOne()` with its own
 * choice of item, for seeded random order), and the embedded server calls `start()` to pump on a timer.
 *
 * Pending items sit in a min-heap by due time, so a pump with nothing due costs one peek and a pump with k items due
 * costs O(k log n): an abandoned order keeps a status check pending for up to 48 h, and scanning and sorting every
 * one of them on each 50 ms pump made the loop O(n) in the orders still open (issue 18).
 */
export class DeliveryLoop<T> {
  private readonly pendingItems = new Map<string, PendingDelivery<T>>();
  private readonly live = new Map<string, Slot<T>>();
  private readonly heap: Slot<T>[] = [];
  private sequence = 0;
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
    // replacing a pending key keeps its place among equal due times, as Map.set on an existing key did
    const seq = this.live.get(key)?.seq ?? this.sequence++;
    this.schedule({ key, item, dueAt, attempts: 0 }, seq);
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

  /** The items due now, earliest first (ties in scheduling order); they stay pending until attempted. */
  due(): PendingDelivery<T>[] {
    const now = this.clock.now().getTime();
    const slots: Slot<T>[] = [];
    for (let top = this.peek(); top !== undefined && top.dueAt <= now; top = this.peek()) slots.push(this.pop()!);
    for (const slot of slots) this.push(slot);
    return slots.map((s) => s.delivery);
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
      // nothing due: one peek, no promise, no allocation
      if (this.pumping || !this.anyDue()) return;
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

  private anyDue(): boolean {
    const top = this.peek();
    return top !== undefined && top.dueAt <= this.clock.now().getTime();
  }

  private async deliver(delivery: PendingDelivery<T>): Promise<void> {
    // taken out while in flight so a concurrent pump cannot send the same attempt twice
    this.pendingItems.delete(delivery.key);
    this.live.delete(delivery.key);
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
    // as Map.set did: a key added again while this attempt was in flight is replaced, keeping that key's place
    this.schedule(delivery, this.live.get(delivery.key)?.seq ?? this.sequence++);
  }

  private schedule(delivery: PendingDelivery<T>, seq: number): void {
    const slot: Slot<T> = { delivery, dueAt: delivery.dueAt, seq };
    this.pendingItems.set(delivery.key, delivery);
    this.live.set(delivery.key, slot);
    this.push(slot);
  }

  /** The earliest valid slot, dropping stale ones (replaced or taken out) from the top as it goes. */
  private peek(): Slot<T> | undefined {
    while (this.heap.length > 0) {
      const top = this.heap[0]!;
      if (this.live.get(top.delivery.key) === top) return top;
      this.pop();
    }
    return undefined;
  }

  private before(a: Slot<T>, b: Slot<T>): boolean {
    return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.seq < b.seq);
  }

  private push(slot: Slot<T>): void {
    const heap = this.heap;
    heap.push(slot);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private pop(): Slot<T> | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last !== undefined) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && this.before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && this.before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[i], heap[m]] = [heap[m]!, heap[i]!];
        i = m;
      }
    }
    return top;
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

  /** Every pending item with its due time and attempts so far (a simulation reads them to choose and to check). */
  pendingDeliveries(): readonly PendingDelivery<T>[] {
    return this.loop.pending();
  }

  /** The items due now, in the order `runOne`'s `pick` indexes them. */
  dueDeliveries(): readonly PendingDelivery<T>[] {
    return this.loop.due();
  }

  start(intervalMs: number): void {
    this.loop.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }
}
