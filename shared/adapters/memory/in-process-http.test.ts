import test from 'ava';
import { Hono } from 'hono';
import { inProcessRequest, inProcessResponse } from './in-process-http.ts';

const URL_ = 'http://in-process.test/v1/orders?limit=5';
// '₹' is one character and three UTF-8 bytes: a length taken in characters would be short by two
const BODY = '{"amount":49900,"note":"₹ refund"}';

const post = (init: Partial<Parameters<typeof inProcessRequest>[1]> = {}) =>
  inProcessRequest(URL_, { method: 'post', headers: { 'content-type': 'application/json' }, body: BODY, ...init });

test('inProcessRequest: is a Request (instanceof holds)', (t) => {
  t.true(post() instanceof Request);
});

test('inProcessRequest: url as given, method upper-cased', (t) => {
  const request = post();
  t.is(request.url, URL_);
  t.is(request.method, 'POST');
});

test('inProcessRequest: headers as given, plus content-length in UTF-8 bytes of a string body', (t) => {
  const request = inProcessRequest(URL_, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Request-Id': 'req-1' },
    body: BODY,
  });
  t.is(Buffer.byteLength(BODY), BODY.length + 2);
  t.deepEqual(Object.fromEntries(request.headers), {
    'content-type': 'application/json',
    'x-request-id': 'req-1',
    'content-length': String(Buffer.byteLength(BODY)),
  });
});

test('inProcessRequest: headers given as a Headers object are taken as they are', (t) => {
  const request = inProcessRequest(URL_, { method: 'POST', headers: new Headers([['x-a', '1']]), body: 'abc' });
  t.deepEqual(Object.fromEntries(request.headers), { 'x-a': '1', 'content-length': '3' });
});

test('inProcessRequest: a body held whole declares its true length and no chunking, whatever the caller forwarded; no body declares none', (t) => {
  const forwarded = post({ headers: { 'content-length': '7', 'transfer-encoding': 'chunked' } });
  t.is(forwarded.headers.get('content-length'), String(Buffer.byteLength(BODY)));
  t.is(forwarded.headers.get('transfer-encoding'), null);
  t.is(inProcessRequest(URL_, { method: 'GET' }).headers.get('content-length'), null);
});

test('inProcessRequest: a body read stays read once the real request is built (body, signal): text() rejects, clone() throws', async (t) => {
  const request = inProcessRequest(URL_, { method: 'POST', body: BODY });
  await request.text();
  t.is(request.body, null);
  t.false(request.signal.aborted);
  t.true(request.bodyUsed);
  await t.throwsAsync(request.text(), { instanceOf: TypeError });
  t.throws(() => request.clone(), { instanceOf: TypeError });
});

test('inProcessRequest: text() reads the body once; a second read rejects and bodyUsed flips', async (t) => {
  const request = post();
  t.false(request.bodyUsed);
  t.is(await request.text(), BODY);
  t.true(request.bodyUsed);
  await t.throwsAsync(request.text(), { instanceOf: TypeError });
  await t.throwsAsync(request.json(), { instanceOf: TypeError });
});

test('inProcessRequest: json() parses the body', async (t) => {
  t.deepEqual(await post().json(), { amount: 49900, note: '₹ refund' });
});

test('inProcessRequest: invalid JSON → json() rejects, it never throws synchronously', async (t) => {
  const request = post({ body: '{"amount":' });
  let parsed: Promise<unknown> | undefined;
  // a caller awaiting it inside try/catch must get the error there, as from a real Request
  t.notThrows(() => {
    parsed = request.json();
  });
  await t.throwsAsync(parsed!, { instanceOf: SyntaxError });
});

test('inProcessRequest: arrayBuffer() gives the UTF-8 bytes of the body', async (t) => {
  const bytes = await post().arrayBuffer();
  t.is(bytes.byteLength, Buffer.byteLength(BODY));
  t.is(new TextDecoder().decode(bytes), BODY);
});

test('inProcessRequest: signal is the one given', (t) => {
  const controller = new AbortController();
  t.is(post({ signal: controller.signal }).signal, controller.signal);
});

test('inProcessRequest: without a signal, one is still there (from the real request), not aborted', (t) => {
  const signal = post().signal;
  t.true(signal instanceof AbortSignal);
  t.false(signal.aborted);
});

test('inProcessRequest: body, unread, is a working stream of the same bytes', async (t) => {
  const request = post();
  t.true(request.body instanceof ReadableStream);
  t.is(await new Response(request.body).text(), BODY);
});

test('inProcessRequest: clone(), unread, is a real request with the same url, method, headers and body', async (t) => {
  const request = post({ headers: { 'x-a': '1' } });
  const copy = request.clone();
  t.like(copy, { url: URL_, method: 'POST' });
  t.deepEqual(Object.fromEntries(copy.headers), Object.fromEntries(request.headers));
  t.is(await copy.text(), BODY);
  // the clone has its own body: the original is still readable, through the real request now
  t.is(await request.text(), BODY);
  t.true(request.bodyUsed);
});

test('inProcessRequest: a Hono app reads its JSON body, a header, the path and the query', async (t) => {
  const app = new Hono();
  app.post('/v1/orders', async (c) =>
    c.json({
      body: await c.req.json(),
      type: c.req.header('content-type'),
      length: c.req.header('content-length'),
      path: c.req.path,
      limit: c.req.query('limit'),
    }),
  );
  const res = await app.fetch(post());
  t.is(res.status, 200);
  t.deepEqual(await res.json(), {
    body: { amount: 49900, note: '₹ refund' },
    type: 'application/json',
    length: String(Buffer.byteLength(BODY)),
    path: '/v1/orders',
    limit: '5',
  });
});

test('inProcessResponse: is a Response (instanceof holds) with its status, ok and headers', (t) => {
  const created = inProcessResponse(201, { 'content-type': 'application/json', 'x-a': '1' }, '{}');
  t.true(created instanceof Response);
  t.is(created.status, 201);
  t.true(created.ok);
  t.deepEqual(Object.fromEntries(created.headers), { 'content-type': 'application/json', 'x-a': '1' });

  const missing = inProcessResponse(404, [['content-type', 'text/plain']], 'no such order');
  t.is(missing.status, 404);
  t.false(missing.ok);
  t.is(missing.headers.get('content-type'), 'text/plain');
  t.true(inProcessResponse(200, [], '').ok);
});

test('inProcessResponse: text() and json() read the body, once only', async (t) => {
  const text = inProcessResponse(200, [], 'hello ₹');
  t.false(text.bodyUsed);
  t.is(await text.text(), 'hello ₹');
  t.true(text.bodyUsed);
  await t.throwsAsync(text.text(), { instanceOf: TypeError });

  const json = inProcessResponse(200, { 'content-type': 'application/json' }, '{"id":"order_1"}');
  t.deepEqual(await json.json(), { id: 'order_1' });
  await t.throwsAsync(json.json(), { instanceOf: TypeError });
});

test('inProcessResponse: invalid JSON → json() rejects, it never throws synchronously', async (t) => {
  const response = inProcessResponse(200, [], 'not json');
  let parsed: Promise<unknown> | undefined;
  t.notThrows(() => {
    parsed = response.json();
  });
  await t.throwsAsync(parsed!, { instanceOf: SyntaxError });
});

test('inProcessResponse: arrayBuffer() and body still work, through the real Response', async (t) => {
  const bytes = await inProcessResponse(200, [], 'hello ₹').arrayBuffer();
  t.is(new TextDecoder().decode(bytes), 'hello ₹');

  const streamed = inProcessResponse(200, [['content-type', 'text/html']], '<p>checkout</p>');
  t.true(streamed.body instanceof ReadableStream);
  t.is(await new Response(streamed.body).text(), '<p>checkout</p>');
});

test('inProcessResponse: clone() gives the same status, headers and body', async (t) => {
  const response = inProcessResponse(202, { 'x-a': '1' }, 'queued');
  const copy = response.clone();
  t.is(copy.status, 202);
  t.is(copy.headers.get('x-a'), '1');
  t.is(await copy.text(), 'queued');
  t.is(await response.text(), 'queued');
});

test('inProcessResponse: a read body stays read once the real response is built: text() rejects, clone() throws', async (t) => {
  const response = inProcessResponse(200, [['content-type', 'text/plain']], 'hello');
  t.is(await response.text(), 'hello');
  t.is(response.body, null);
  t.true(response.bodyUsed);
  await t.throwsAsync(response.text(), { instanceOf: TypeError });
  t.throws(() => response.clone(), { instanceOf: TypeError });
});

test('inProcessResponse: statuses that carry no body (205, 304) drop one given, and still build a real response', async (t) => {
  for (const status of [205, 304]) {
    const response = inProcessResponse(status, [], 'ignored');
    t.is(await response.clone().text(), '');
    t.is(response.body, null);
  }
});

test('inProcessResponse: a 204 with a null body has no body, and reads as empty', async (t) => {
  const noContent = inProcessResponse(204, [], null);
  t.is(noContent.status, 204);
  t.true(noContent.ok);
  t.is(noContent.body, null);
  t.is(await noContent.text(), '');
});

test('inProcessResponse: a 204 is served by a Hono app and written out with no body', async (t) => {
  const app = new Hono();
  app.delete('/thing', () => inProcessResponse(204, { 'x-a': '1' }, null));
  const res = await app.request('/thing', { method: 'DELETE' });
  t.is(res.status, 204);
  t.is(res.headers.get('x-a'), '1');
  t.is(await res.text(), '');
});
