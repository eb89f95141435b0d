import test from 'ava';
import { MemoryInboxStore } from './memory-inbox-store.ts';

test('the in-memory inbox drops entries a week older than the newest, as the Firestore TTL policy does', async (t) => {
  const inbox = new MemoryInboxStore();
  const day = 86_400_000;
  const start = Date.parse('2026-03-01T00:00:00Z');
  t.true(await inbox.add('s', 'old', new Date(start)));
  t.true(await inbox.add('s', 'recent', new Date(start + 3 * day)));
  t.true(await inbox.has('s', 'old'));
  t.true(await inbox.add('s', 'new', new Date(start + 8 * day)));
  t.false(await inbox.has('s', 'old'), 'more than a week older than the newest: gone');
  t.true(await inbox.has('s', 'recent'));
  t.false(await inbox.add('s', 'recent', new Date(start + 8 * day)), 'still a duplicate');
});
