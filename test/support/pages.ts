import type { ExecutionContext } from 'ava';
import { decodeCursor } from '../../shared/domain/cursor.ts';
import type { Page } from '../../shared/ports/order-store.ts';

/**
 * Walks a newest-first listing page by page (at most 5), checking on the way that each `nextCursor` names the last
 * item of its page. Returns each page's size and every id in the order seen, for the caller to compare.
 */
export async function walkPages<T extends { id: string; createdAt: string }>(
  t: ExecutionContext,
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
): Promise<{ sizes: number[]; seen: string[] }> {
  const seen: string[] = [];
  const sizes: number[] = [];
  let cursor: string | undefined;
  for (let pageNo = 0; pageNo < 5; pageNo++) {
    const page = await fetchPage(cursor);
    sizes.push(page.items.length);
    seen.push(...page.items.map((item) => item.id));
    if (page.nextCursor === null) break;
    const last = page.items.at(-1)!;
    t.deepEqual(decodeCursor(page.nextCursor), { createdAt: last.createdAt, id: last.id });
    cursor = page.nextCursor;
  }
  return { sizes, seen };
}

/** Every item of a paged listing, following `nextCursor` to the end (at most 100 pages). */
export async function everyPage<T>(
  page: (cursor?: string) => Promise<{ items: readonly T[]; nextCursor: string | null }>,
): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const p = await page(cursor);
    out.push(...p.items);
    if (!p.nextCursor) break;
    cursor = p.nextCursor;
  }
  return out;
}
