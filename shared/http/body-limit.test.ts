import test from 'ava';
import { Hono } from 'hono';
import { inProcessRequest } from '../adapters/memory/in-process-http.ts';
import { bodyLimit } from './body-limit.ts';

const LIMIT = 16;

function app() {
  const handled: string[] = [];
  const a = new Hono();
  a.use(bodyLimit(LIMIT, (c) => c.text('too large', 413)));
  a.post('/echo', async (c) => {
    const body = await c.req.text();
    handled.push(body);
    return c.text(body);
  });
  a.get('/plain', (c) => {
    handled.push('');
    return c.text('plain');
  });
  return { app: a, handled };
}

/** A body with no declared length, as a chunked upload sends it: one chunk per string. */
function streamed(...chunks: string[]): RequestInit {
  const bytes = chunks.map((s) => new TextEncoder().encode(s));
  return {
    method: 'POST',
    body: new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of bytes) controller.enqueue(chunk);
        controller.close();
      },
    }),
    duplex: 'half',
  } as RequestInit;
}

const declared = (body: string): RequestInit => ({
  method: 'POST',
  headers: { 'content-length': String(Buffer.byteLength(body)) },
  body,
});

test('body limit: declared Content-Length under the limit → handler runs and reads the body', async (t) => {
  const { app: a, handled } = app();
  const res = await a.request('/echo', declared('a small body'));
  t.is(res.status, 200);
  t.is(await res.text(), 'a small body');
  t.deepEqual(handled, ['a small body']);
});

test('body limit: declared Content-Length exactly at the limit → handler runs', async (t) => {
  const { app: a, handled } = app();
  const body = 'x'.repeat(LIMIT);
  const res = await a.request('/echo', declared(body));
  t.is(res.status, 200);
  t.deepEqual(handled, [body]);
});

test("body limit: declared Content-Length over the limit → onError's 413, handler never runs", async (t) => {
  const { app: a, handled } = app();
  const res = await a.request('/echo', declared('a body well over sixteen bytes'));
  t.is(res.status, 413);
  t.is(await res.text(), 'too large');
  t.deepEqual(handled, []);
});

test('body limit: the declared length is what is judged, in bytes, not characters', async (t) => {
  const { app: a, handled } = app();
  // six rupee signs are 6 characters but 18 UTF-8 bytes
  const res = await a.request('/echo', declared('₹'.repeat(6)));
  t.is(res.status, 413);
  t.deepEqual(handled, []);
});

test('body limit: a streamed body (no Content-Length) over the limit → 413, handler never runs', async (t) => {
  const { app: a, handled } = app();
  // every chunk is under the limit on its own: only counting across chunks refuses it
  const res = await a.request('/echo', streamed('0123456789', '0123456789'));
  t.is(res.status, 413);
  t.deepEqual(handled, []);
});

test('body limit: a streamed body (no Content-Length) under the limit → handler gets it intact', async (t) => {
  const { app: a, handled } = app();
  const res = await a.request('/echo', streamed('hello ', '₹', ' world'));
  t.is(res.status, 200);
  t.is(await res.text(), 'hello ₹ world');
  t.deepEqual(handled, ['hello ₹ world']);
});

test('body limit: Transfer-Encoding beside a small Content-Length → the stream is counted, and refused past the limit', async (t) => {
  const { app: a, handled } = app();
  // a Content-Length next to Transfer-Encoding is not to be trusted (request smuggling): the bytes are counted instead
  const init = streamed('0123456789', '0123456789');
  init.headers = { 'content-length': '4', 'transfer-encoding': 'chunked' };
  const res = await a.request('/echo', init);
  t.is(res.status, 413);
  t.deepEqual(handled, []);
});

test('body limit: a request without a body passes', async (t) => {
  const { app: a, handled } = app();
  const res = await a.request('/plain');
  t.is(res.status, 200);
  t.deepEqual(handled, ['']);
});

test('body limit: declared Content-Length under the limit → served without ever reading request.body', async (t) => {
  const { app: a, handled } = app();
  const request = inProcessRequest('http://in-process.test/echo', { method: 'POST', body: '{"amount":49900}' });
  // the stream getter is what turns a light request into a WHATWG one: the limit must answer from the header alone
  const streamGetter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(request), 'body')!.get!;
  let bodyReads = 0;
  Object.defineProperty(request, 'body', {
    get() {
      bodyReads += 1;
      return streamGetter.call(this);
    },
  });
  t.is(request.headers.get('content-length'), '16');

  const res = await a.fetch(request);
  t.is(res.status, 200);
  t.deepEqual(handled, ['{"amount":49900}']);
  t.is(bodyReads, 0);
});

test('body limit: declared Content-Length over the limit → refused without ever reading request.body', async (t) => {
  const { app: a, handled } = app();
  const request = inProcessRequest('http://in-process.test/echo', { method: 'POST', body: 'x'.repeat(LIMIT + 1) });
  let bodyReads = 0;
  const streamGetter = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(request), 'body')!.get!;
  Object.defineProperty(request, 'body', {
    get() {
      bodyReads += 1;
      return streamGetter.call(this);
    },
  });

  const res = await a.fetch(request);
  t.is(res.status, 413);
  t.deepEqual(handled, []);
  t.is(bodyReads, 0);
});

test('body limit: a POST forwarded with chunked framing is read whole by a Hono app with a body limit', async (t) => {
  const app = new Hono();
  app.use(bodyLimit(1024, (c) => c.text('too large', 413)));
  app.post('/v1/orders', async (c) => c.json(await c.req.json()));
  const response = await app.fetch(
    inProcessRequest('http://in-process.test/v1/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      body: '{"amount":49900,"note":"₹ refund"}',
    }),
  );
  t.is(response.status, 200);
  t.deepEqual(await response.json(), { amount: 49900, note: '₹ refund' });
});
