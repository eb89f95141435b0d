import test from 'ava';
import { Hono } from 'hono';
import type { AppEnv } from './env.ts';
import { rateLimit } from './rate-limits.ts';

function app() {
  const a = new Hono<AppEnv>();
  a.use(rateLimit('refused as unauthenticated', 3, () => '203.0.113.7', { failuresOnly: true }));
  a.get('/ok', async (c) => {
    await new Promise((resolve) => setTimeout(resolve, 20));
    return c.json({ ok: true });
  });
  a.get('/denied', (c) => c.json({ error: 'no' }, 401));
  return a;
}

test('failure limit: 20 successful requests in flight at once from one address → none refused', async (t) => {
  const a = app();
  const answers = await Promise.all(Array.from({ length: 20 }, () => a.request('/ok')));
  t.deepEqual([...new Set(answers.map((r) => r.status))], [200]);
});

test('failure limit: past 3 refused authentications in a minute → 429 with Retry-After, even for good requests', async (t) => {
  const a = app();
  for (let i = 0; i < 3; i++) t.is((await a.request('/denied')).status, 401);
  const refused = await a.request('/ok');
  t.is(refused.status, 429);
  t.truthy(Number(refused.headers.get('retry-after')) > 0);
});
