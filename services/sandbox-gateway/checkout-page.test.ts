import test from 'ava';
import { call, makeSandbox } from '../../test/support/sandbox.ts';
import { escapeHtml } from './checkout-page.ts';

test('checkout page: shows the amount in ₹, the order and Pay/Fail buttons with relative control URLs', async (t) => {
  const { sandbox } = makeSandbox();
  const order = await call(sandbox, 'POST', '/v1/orders', { amount: 49_950, currency: 'INR', receipt: 'ord_42' });
  const res = await sandbox.app.request(`/checkout/${order.json.id}`);
  t.is(res.status, 200);
  t.regex(res.headers.get('content-type') ?? '', /text\/html/);
  const html = await res.text();
  t.true(html.includes('₹499.50'));
  t.true(html.includes(order.json.id));
  t.true(html.includes('ord_42'));
  t.true(html.includes('id="pay"'));
  t.true(html.includes('id="fail"'));
  // Relative, so it works under /sandbox; no absolute control path, no external assets.
  t.true(html.includes("'../control/orders/'"));
  t.false(html.includes("'/control/"));
  t.false(/<(script|link|img)[^>]+(src|href)=/.test(html));
});

test('checkout page: echoed content is HTML-escaped', async (t) => {
  const { sandbox } = makeSandbox();
  const evil = '<script>alert(1)</script>';
  const order = await call(sandbox, 'POST', '/v1/orders', { amount: 100, currency: 'INR', receipt: evil });
  const html = await (await sandbox.app.request(`/checkout/${order.json.id}`)).text();
  t.false(html.includes(evil));
  t.true(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));

  const missing = await sandbox.app.request(`/checkout/${encodeURIComponent('"><img src=x onerror=alert(1)>')}`);
  t.is(missing.status, 404);
  const text = await missing.text();
  t.false(text.includes('<img'));
  t.true(text.includes('&quot;&gt;&lt;img'));
});

test('checkout page: a paid order shows disabled buttons', async (t) => {
  const { sandbox } = makeSandbox();
  const order = await call(sandbox, 'POST', '/v1/orders', { amount: 100, currency: 'INR' });
  await call(sandbox, 'POST', `/control/orders/${order.json.id}/pay`, { outcome: 'success', webhook: 'drop' });
  const html = await (await sandbox.app.request(`/checkout/${order.json.id}`)).text();
  t.true(html.includes('id="pay" class="pay" disabled'));
});

test('checkout page: works mounted under /sandbox (buttons reach the control API)', async (t) => {
  const { Hono } = await import('hono');
  const { sandbox } = makeSandbox();
  const outer = new Hono().route('/sandbox', sandbox.app);
  const order = await call(sandbox, 'POST', '/v1/orders', { amount: 100, currency: 'INR' });
  const pageUrl = new URL(`http://localhost/sandbox/checkout/${order.json.id}`);
  t.is((await outer.request(pageUrl)).status, 200);
  // What the page's script fetches, resolved the way a browser resolves it.
  const target = new URL(`../control/orders/${order.json.id}/pay`, pageUrl);
  t.is(target.pathname, `/sandbox/control/orders/${order.json.id}/pay`);
  const res = await outer.request(target, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ outcome: 'success', webhook: 'drop' }),
  });
  t.is(res.status, 200);
});

test('escapeHtml: escapes & < > " and \'', (t) => {
  t.is(escapeHtml(`&<>"'`), '&amp;&lt;&gt;&quot;&#39;');
});

test('checkout page: after Pay or Fail it shows the order as it now stands, from the control answer, without a reload', async (t) => {
  const { sandbox } = makeSandbox();
  const order = await call(sandbox, 'POST', '/v1/orders', { amount: 100, currency: 'INR' });
  const html = await (await sandbox.app.request(`/checkout/${order.json.id}`)).text();
  t.true(html.includes('id="order-status"') && html.includes('id="order-attempts"'));
  const failed = await call(sandbox, 'POST', `/control/orders/${order.json.id}/pay`, { outcome: 'failure' });
  t.like(failed.json, { order: { status: 'attempted', attempts: 1 } });
  const paid = await call(sandbox, 'POST', `/control/orders/${order.json.id}/pay`, { outcome: 'success' });
  t.like(paid.json, { order: { status: 'paid', attempts: 2 } });
});
