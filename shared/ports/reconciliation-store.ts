import type { Difference, ReconciliationCounts } from '../domain/reconciliation.ts';
import type { Page } from './order-store.ts';

/** How a run was started: by the nightly Cloud Scheduler job, or by an operator (API or CLI). */
export type ReconciliationTrigger = 'schedule' | 'manual';

/** queued (the task is on its way) → running → completed | failed; a failed or killed run may run again. */
export type ReconciliationStatus = 'queued' | 'running' | 'completed' | 'failed';

/** A run's phases, in order: settle open orders, compare payments, orders, refunds, read the settlement report. */
export type ReconciliationPhase = 'queued' | 'settling' | 'payments' | 'orders' | 'refunds' | 'settlement' | 'done';

/** One reconciliation of one business day, and its report. */
export interface ReconciliationRun {
  readonly id: string;
  /** The business day, `YYYY-MM-DD` in `timeZone`. */
  readonly day: string;
  readonly timeZone: string;
  readonly trigger: ReconciliationTrigger;
  /** `scheduler`, or the operator's key id. */
  readonly requestedBy: string;
  readonly requestedAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly status: ReconciliationStatus;
  /** Attempts so far: a run killed halfway is run again from the start, its actions being idempotent. */
  readonly attempts: number;
  readonly counts: ReconciliationCounts;
  /** Where a running run is: its phase and the orders of the day gone through so far (for progress bars). */
  readonly progress: { readonly phase: ReconciliationPhase; readonly orders: number };
  readonly error: string | null;
}

/** Who holds a day: one run at a time per day, until `expiresAt` (a run renews it while it goes). */
export type LeaseResult = { readonly acquired: true } | { readonly acquired: false; readonly heldBy: string };

export interface ReconciliationStore {
  /** Writes a new run; the same id again changes nothing and returns the stored one. */
  create(run: ReconciliationRun): Promise<ReconciliationRun>;
  get(id: string): Promise<ReconciliationRun | null>;
  /** Transactional read-modify-write; null from `change` commits nothing. Resolves to the stored run. */
  update(id: string, change: (run: ReconciliationRun) => ReconciliationRun | null): Promise<ReconciliationRun | null>;
  /** Runs, newest requested first. */
  list(limit: number, cursor?: string): Promise<Page<ReconciliationRun>>;
  /** Stores differences under their key: the same key again replaces it, so a repeated run never adds twice. */
  putDifferences(runId: string, differences: readonly Difference[]): Promise<void>;
  /** A run's differences, by key. */
  listDifferences(runId: string, limit: number, cursor?: string): Promise<Page<Difference>>;
  /** Takes the day for `runId` until `expiresAt` if it is free, expired, or already this run's. */
  acquireLease(day: string, runId: string, now: Date, expiresAt: Date): Promise<LeaseResult>;
  /** Frees the day if `runId` holds it. */
  releaseLease(day: string, runId: string): Promise<void>;
}
