import { AppError } from '../domain/errors.ts';
import type { Difference } from '../domain/reconciliation.ts';
import type { Page } from '../ports/order-store.ts';
import type { ReconciliationRun } from '../ports/reconciliation-store.ts';
import type { Deps } from './deps.ts';

type ReadDeps = Pick<Deps, 'reconciliations'>;

/** Finance reads the runs, newest first. */
export function listReconciliations(
  limit: number,
  cursor: string | undefined,
  deps: ReadDeps,
): Promise<Page<ReconciliationRun>> {
  return deps.reconciliations.list(limit, cursor);
}

/** One run's report: the run and a page of its differences. */
export async function getReconciliation(
  id: string,
  page: { readonly limit: number; readonly cursor?: string },
  deps: ReadDeps,
): Promise<{ readonly run: ReconciliationRun; readonly differences: Page<Difference> }> {
  const run = await deps.reconciliations.get(id);
  if (!run) throw new AppError('not-found', `no reconciliation ${id}`);
  return { run, differences: await deps.reconciliations.listDifferences(id, page.limit, page.cursor) };
}

/** Every difference of a run, a page at a time (the CSV export streams these). */
export async function* allDifferences(id: string, deps: ReadDeps): AsyncGenerator<readonly Difference[]> {
  for (let cursor: string | undefined; ; ) {
    const page = await deps.reconciliations.listDifferences(id, 500, cursor);
    yield page.items;
    if (!page.nextCursor) return;
    cursor = page.nextCursor;
  }
}
