import { compareNewestFirst, decodeCursor, encodeCursor, type ListPosition } from '../../domain/cursor.ts';
import type { Page } from '../../ports/order-store.ts';

/**
 * One page of a newest-first listing over items held in memory, after `cursor` (from a previous page), as the
 * Firestore adapters page with `orderBy(time desc, id desc)`. Items are cloned out.
 */
export function newestFirstPage<T>(
  all: Iterable<T>,
  position: (item: T) => ListPosition,
  limit: number,
  cursor?: string,
): Page<T> {
  const after = cursor ? decodeCursor(cursor) : null;
  const matching = [...all]
    .filter((item) => after === null || compareNewestFirst(after, position(item)) < 0)
    .sort((a, b) => compareNewestFirst(position(a), position(b)));
  const items = matching.slice(0, limit);
  const last = items.at(-1);
  return {
    items: structuredClone(items),
    nextCursor: matching.length > limit && last ? encodeCursor(position(last)) : null,
  };
}
