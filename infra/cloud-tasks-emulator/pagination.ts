import { invalidArgument } from './api-error.ts';

/** Offset-based page tokens (opaque to callers, like the service's). `pageSize` 0/unset means the maximum. */
export function paginate<T>(
  items: readonly T[],
  pageSize: number | null | undefined,
  pageToken: string | null | undefined,
  maxPageSize: number,
): { items: T[]; nextPageToken: string } {
  if (pageSize && pageSize < 0) throw invalidArgument('page_size must not be negative');
  const size = Math.min(pageSize || maxPageSize, maxPageSize);
  let offset = 0;
  if (pageToken) {
    offset = Number(
      Buffer.from(pageToken, 'base64url')
        .toString('utf8')
        .replace(/^offset:/, ''),
    );
    if (!Number.isSafeInteger(offset) || offset < 0) throw invalidArgument('Invalid page_token');
  }
  const end = offset + size;
  return {
    items: items.slice(offset, end),
    nextPageToken: end < items.length ? Buffer.from(`offset:${end}`).toString('base64url') : '',
  };
}
