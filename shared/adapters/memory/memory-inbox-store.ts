import type { InboxStore } from '../../ports/inbox-store.ts';

export class MemoryInboxStore implements InboxStore {
  private readonly seen = new Set<string>();

  async has(scope: string, id: string): Promise<boolean> {
    return this.seen.has(`${scope}\u0000${id}`);
  }

  async add(scope: string, id: string): Promise<boolean> {
    const key = `${scope}\u0000${id}`;
    if (this.seen.has(key)) return false;
    this.seen.add(key);
    return true;
  }
}
