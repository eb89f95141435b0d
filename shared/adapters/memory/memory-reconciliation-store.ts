import { decodeCursor, encodeCursor } from '../../domain/cursor.ts';
import { AppError } from '../../domain/errors.ts';
import type { Difference } from '../../domain/reconciliation.ts';
import type { Page } from '../../ports/order-store.ts';
import type { LeaseResult, ReconciliationRun, ReconciliationStore } from '../../ports/reconciliation-store.ts';
import { newestFirstPage } from './newest-first-page.ts';

const position = (run: ReconciliationRun) => ({ createdAt: run.requestedAt, id: run.id });

function after(cursor: string | undefined) {
  if (cursor === undefined) return null;
  const decoded = decodeCursor(cursor);
  if (!decoded) throw new AppError('validation', 'not a cursor of this list', [{ path: 'cursor', message: 'invalid' }]);
  return decoded;
}

/** Reconciliation runs, their differences and the per-day leases, in memory (embedded default and tests). */
export class MemoryReconciliationStore implements ReconciliationStore {
  private readonly runs = new Map<string, ReconciliationRun>();
  private readonly differences = new Map<string, Map<string, Difference>>();
  private readonly leases = new Map<string, { runId: string; expiresAt: number }>();

  async create(run: ReconciliationRun): Promise<ReconciliationRun> {
    const existing = this.runs.get(run.id);
    if (existing) return structuredClone(existing);
    this.runs.set(run.id, structuredClone(run));
    return structuredClone(run);
  }

  async get(id: string): Promise<ReconciliationRun | null> {
    const run = this.runs.get(id);
    return run ? structuredClone(run) : null;
  }

  async update(
    id: string,
    change: (run: ReconciliationRun) => ReconciliationRun | null,
  ): Promise<ReconciliationRun | null> {
    const current = this.runs.get(id);
    if (!current) return null;
    const next = change(structuredClone(current));
    if (next) this.runs.set(id, structuredClone(next));
    return structuredClone(next ?? current);
  }

  async list(limit: number, cursor?: string): Promise<Page<ReconciliationRun>> {
    return newestFirstPage(this.runs.values(), position, limit, cursor);
  }

  async putDifferences(runId: string, differences: readonly Difference[]): Promise<void> {
    const held = this.differences.get(runId) ?? new Map<string, Difference>();
    for (const d of differences) held.set(d.key, structuredClone(d));
    this.differences.set(runId, held);
  }

  async listDifferences(runId: string, limit: number, cursor?: string): Promise<Page<Difference>> {
    const from = after(cursor);
    const all = [...(this.differences.get(runId)?.values() ?? [])]
      .filter((d) => from === null || d.key > from.id)
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const items = all.slice(0, limit);
    const last = items.at(-1);
    return {
      items: structuredClone(items),
      nextCursor: all.length > limit && last ? encodeCursor({ createdAt: '', id: last.key }) : null,
    };
  }

  async acquireLease(day: string, runId: string, now: Date, expiresAt: Date): Promise<LeaseResult> {
    const lease = this.leases.get(day);
    if (lease && lease.runId !== runId && lease.expiresAt > now.getTime()) {
      return { acquired: false, heldBy: lease.runId };
    }
    this.leases.set(day, { runId, expiresAt: expiresAt.getTime() });
    return { acquired: true };
  }

  async releaseLease(day: string, runId: string): Promise<void> {
    if (this.leases.get(day)?.runId === runId) this.leases.delete(day);
  }
}
