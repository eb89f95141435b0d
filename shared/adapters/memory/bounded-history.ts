/** How many entries an in-memory history (published messages, fired jobs) keeps: tests read a few, `npm start` runs for days. */
export const HISTORY_LIMIT = 10_000;

/**
 * Appends `entry`, dropping the oldest once the history holds twice `limit`, so a long-running embedded stack keeps
 * a bounded record at amortised O(1) per append (a splice per append past the limit would be O(n) each).
 */
export function appendBounded<T>(history: T[], entry: T, limit = HISTORY_LIMIT): void {
  history.push(entry);
  if (history.length > 2 * limit) history.splice(0, history.length - limit);
}
