/**
 * Cursor for "newest first" listings: the (createdAt, id) of the last item on a page. Opaque to clients
 * (base64url JSON), shared by every store so a cursor means the same on each.
 */
export interface ListPosition {
  readonly createdAt: string;
  readonly id: string;
}

export function encodeCursor(p: ListPosition): string {
  return btoa(JSON.stringify([p.createdAt, p.id]))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replaceAll('=', '');
}

/** Returns null for anything that is not a cursor we made; callers answer 400. */
export function decodeCursor(cursor: string): ListPosition | null {
  try {
    const json = atob(cursor.replaceAll('-', '+').replaceAll('_', '/'));
    const value: unknown = JSON.parse(json);
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') {
      return { createdAt: value[0], id: value[1] };
    }
    return null;
  } catch {
    return null;
  }
}

/** Newest first; ties broken by id so pages never skip or repeat. */
export function compareNewestFirst(a: ListPosition, b: ListPosition): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}
