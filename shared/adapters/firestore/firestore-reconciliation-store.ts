import type { CollectionReference, Firestore, Query } from '@google-cloud/firestore';
import { decodeCursor, encodeCursor } from '../../domain/cursor.ts';
import { AppError } from '../../domain/errors.ts';
import type { Difference } from '../../domain/reconciliation.ts';
import type { Page } from '../../ports/order-store.ts';
import type { LeaseResult, ReconciliationRun, ReconciliationStore } from '../../ports/reconciliation-store.ts';
import { isAlreadyExists, safeDocId, toData } from './firestore-docs.ts';

interface LeaseDoc {
  readonly day: string;
  readonly runId: string;
  readonly expiresAt: string;
}

/** Firestore caps a batched write at 500 operations. */
const MAX_BATCH = 500;

function after(cursor: string | undefined) {
  if (cursor === undefined) return null;
  const decoded = decodeCursor(cursor);
  if (!decoded) throw new AppError('validation', 'not a cursor of this list', [{ path: 'cursor', message: 'invalid' }]);
  return decoded;
}

/**
 * Reconciliation runs in Firestore:
 *   - `reconciliations/{runId}`: the run and its counts (listed newest first: index on requestedAt, id);
 *   - `reconciliations/{runId}/differences/{key}`: one document per difference key, so a repeated run overwrites;
 *   - `reconciliation-leases/{day}`: which run holds a day, until when (taken in a transaction).
 */
export class FirestoreReconciliationStore implements ReconciliationStore {
  private readonly runs: CollectionReference;
  private readonly leases: CollectionReference;

  constructor(
    private readonly db: Firestore,
    prefix = '',
  ) {
    this.runs = db.collection(`${prefix}reconciliations`);
    this.leases = db.collection(`${prefix}reconciliation-leases`);
  }

  async create(run: ReconciliationRun): Promise<ReconciliationRun> {
    try {
      await this.runs.doc(safeDocId(run.id)).create(toData(run));
      return toData(run);
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
      return (await this.get(run.id))!;
    }
  }

  async get(id: string): Promise<ReconciliationRun | null> {
    const snap = await this.runs.doc(safeDocId(id)).get();
    return snap.exists ? (snap.data() as ReconciliationRun) : null;
  }

  async update(
    id: string,
    change: (run: ReconciliationRun) => ReconciliationRun | null,
  ): Promise<ReconciliationRun | null> {
    const ref = this.runs.doc(safeDocId(id));
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (!snap.exists) return null;
      const current = snap.data() as ReconciliationRun;
      const next = change(current);
      if (!next) return current;
      const data = toData(next);
      tx.set(ref, data);
      return data;
    });
  }

  async list(limit: number, cursor?: string): Promise<Page<ReconciliationRun>> {
    const from = after(cursor);
    let q: Query = this.runs.orderBy('requestedAt', 'desc').orderBy('id', 'desc');
    if (from) q = q.startAfter(from.createdAt, from.id);
    const snap = await q.limit(limit + 1).get();
    const matching = snap.docs.map((d) => d.data() as ReconciliationRun);
    const items = matching.slice(0, limit);
    const last = items.at(-1);
    return {
      items,
      nextCursor: matching.length > limit && last ? encodeCursor({ createdAt: last.requestedAt, id: last.id }) : null,
    };
  }

  async putDifferences(runId: string, differences: readonly Difference[]): Promise<void> {
    const collection = this.runs.doc(safeDocId(runId)).collection('differences');
    for (let i = 0; i < differences.length; i += MAX_BATCH) {
      const batch = this.db.batch();
      for (const d of differences.slice(i, i + MAX_BATCH)) batch.set(collection.doc(safeDocId(d.key)), toData(d));
      await batch.commit();
    }
  }

  async listDifferences(runId: string, limit: number, cursor?: string): Promise<Page<Difference>> {
    const from = after(cursor);
    let q: Query = this.runs.doc(safeDocId(runId)).collection('differences').orderBy('key', 'asc');
    if (from) q = q.startAfter(from.id);
    const snap = await q.limit(limit + 1).get();
    const matching = snap.docs.map((d) => d.data() as Difference);
    const items = matching.slice(0, limit);
    const last = items.at(-1);
    return {
      items,
      nextCursor: matching.length > limit && last ? encodeCursor({ createdAt: '', id: last.key }) : null,
    };
  }

  async acquireLease(day: string, runId: string, now: Date, expiresAt: Date): Promise<LeaseResult> {
    const ref = this.leases.doc(safeDocId(day));
    return this.db.runTransaction(async (tx): Promise<LeaseResult> => {
      const snap = await tx.get(ref);
      const lease = snap.exists ? (snap.data() as LeaseDoc) : null;
      if (lease && lease.runId !== runId && Date.parse(lease.expiresAt) > now.getTime()) {
        return { acquired: false, heldBy: lease.runId };
      }
      tx.set(ref, { day, runId, expiresAt: expiresAt.toISOString() } satisfies LeaseDoc);
      return { acquired: true };
    });
  }

  async releaseLease(day: string, runId: string): Promise<void> {
    const ref = this.leases.doc(safeDocId(day));
    await this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (snap.exists && (snap.data() as LeaseDoc).runId === runId) tx.delete(ref);
    });
  }
}
