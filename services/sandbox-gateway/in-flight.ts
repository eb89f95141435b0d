/**
 * Every piece of background work (webhook deliveries, refund timers) is registered here, so `settle()` can wait for
 * all of it: tests await that instead of sleeping and guessing.
 */
export class InFlight {
  private readonly running = new Set<Promise<void>>();
  private readonly timers = new Map<NodeJS.Timeout, () => void>();

  /** Runs `work` in the background; a failure is passed to `onError`, never left unhandled. */
  run(work: () => Promise<void>, onError: (err: unknown) => void): void {
    const p = work()
      .catch(onError)
      .finally(() => this.running.delete(p));
    this.running.add(p);
  }

  /** Runs `work` after `ms`; tracked from now, so `settle()` waits for the timer as well as for the work. */
  after(ms: number, work: () => Promise<void>, onError: (err: unknown) => void): void {
    this.run(
      () =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            this.timers.delete(timer);
            work().catch(onError).finally(resolve);
          }, ms);
          this.timers.set(timer, resolve);
        }),
      onError,
    );
  }

  /** Resolves once nothing is running, including work started by work that finished meanwhile. */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** Drops pending timers (their work never runs); used on shutdown so the process can exit. */
  cancelTimers(): void {
    for (const [timer, release] of this.timers) {
      clearTimeout(timer);
      release();
    }
    this.timers.clear();
  }
}
