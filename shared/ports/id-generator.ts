/** Random ids behind a port so a seeded simulation can replay the same run. */
export interface IdGenerator {
  /** A fresh id with a short prefix (`ord`, `req`), unguessable and evenly spread (no hot-spotting in Firestore). */
  next(prefix: string): string;
}
