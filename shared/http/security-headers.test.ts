import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import test from 'ava';
import { Hono } from 'hono';
import { SECURITY_HEADERS, sendSecurityHeaders } from './security-headers.ts';

async function listen(app: Hono) {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = sendSecurityHeaders(serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s)));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

test('security headers: every answer the server writes carries them (a JSON answer, an error, a 404)', async (t) => {
  const app = new Hono();
  app.get('/ok', (c) => c.json({ ok: true }));
  app.get('/boom', () => {
    throw new Error('boom');
  });
  const server = await listen(app);
  t.teardown(server.close);
  for (const path of ['/ok', '/boom', '/nowhere']) {
    const res = await fetch(`${server.url}${path}`);
    await res.arrayBuffer();
    for (const [name, value] of SECURITY_HEADERS) t.is(res.headers.get(name), value, `${path}: ${name}`);
  }
});

test('security headers: an answer that sets one itself keeps its own value', async (t) => {
  const app = new Hono();
  app.get('/framed', (c) => c.text('page', 200, { 'x-frame-options': 'DENY' }));
  const server = await listen(app);
  t.teardown(server.close);
  const res = await fetch(`${server.url}/framed`);
  t.is(await res.text(), 'page');
  t.is(res.headers.get('x-frame-options'), 'DENY');
  t.is(res.headers.get('x-content-type-options'), 'nosniff');
});
