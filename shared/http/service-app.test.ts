import test from 'ava';
import type { Logger } from '../ports/logger.ts';
import { createServiceApp } from './service-app.ts';

const silent: Logger = {
  log: () => {},
  child: () => silent,
};

function app() {
  const a = createServiceApp({ name: 'test', logger: silent, bodyLimitBytes: 1024 });
  a.get('/ok', (c) => c.json({ ok: true }));
  a.get('/redirect', () => Response.redirect('https://example.com/next', 302));
  return a;
}

test('service app: a sane X-Request-Id is echoed on the answer', async (t) => {
  const res = await app().request('/ok', { headers: { 'x-request-id': 'abc-123.x_y' } });
  t.is(res.status, 200);
  t.is(res.headers.get('x-request-id'), 'abc-123.x_y');
});

test('service app: an X-Request-Id with other characters is replaced by a fresh id', async (t) => {
  const res = await app().request('/ok', { headers: { 'x-request-id': 'a b<script>' } });
  t.regex(res.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
});

test('service app: a response with immutable headers still gets its X-Request-Id, not a 500', async (t) => {
  const res = await app().request('/redirect', { headers: { 'x-request-id': 'r-1' } });
  t.is(res.status, 302);
  t.is(res.headers.get('location'), 'https://example.com/next');
  t.is(res.headers.get('x-request-id'), 'r-1');
});

test('service app: an unknown route is a problem+json 404 with its request id', async (t) => {
  const res = await app().request('/nope', { headers: { 'x-request-id': 'r-2' } });
  t.is(res.status, 404);
  t.regex(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
  t.is(res.headers.get('x-request-id'), 'r-2');
});
