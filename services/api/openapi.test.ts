import test from 'ava';
import { MemoryLogger } from '../../shared/adapters/logging/json-logger.ts';
import { embeddedHarness } from '../../test/e2e/embedded-harness.ts';
import type { ServiceDeps } from '../catalogue/catalogue.ts';
import { createApp } from './app.ts';
import { OPERATIONS, openApiDocument, openApiPath } from './openapi.ts';

type Doc = { paths: Record<string, Record<string, any>>; webhooks: Record<string, any>; openapi: string };

test('openapi: every route the api serves is in the document, and the document names no route it lacks', async (t) => {
  const h = await embeddedHarness();
  const app = createApp({ ...(h.stack.deps as ServiceDeps), logger: new MemoryLogger(), bodyLimitBytes: 1024 });
  // middleware registers as ALL; what remains is the route table
  const served = new Set(
    app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`),
  );
  const doc = openApiDocument() as Doc;
  const documented = new Set(
    Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`)),
  );
  t.deepEqual(
    [...served].filter((r) => !documented.has(r)),
    [],
    'served but not documented',
  );
  t.deepEqual(
    [...documented].filter((r) => !served.has(r)),
    [],
    'documented but not served',
  );
  await h.close();
});

test('openapi: 3.1, each path parameter described, Idempotency-Key required where it is, errors as problem+json', (t) => {
  const doc = openApiDocument() as Doc;
  t.is(doc.openapi, '3.1.0');
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      for (const name of path.match(/\{(\w+)\}/g) ?? []) {
        t.truthy(
          op.parameters?.find((p: any) => p.in === 'path' && `{${p.name}}` === name),
          `${method} ${path}: ${name}`,
        );
      }
      for (const [status, response] of Object.entries<any>(op.responses)) {
        if (Number(status) >= 400)
          t.truthy(response.content['application/problem+json'], `${method} ${path} ${status}`);
      }
    }
  }
  for (const [method, path] of [
    ['post', '/v1/orders'],
    ['post', '/v1/orders/{id}/refunds'],
  ] as const) {
    t.like(
      doc.paths[path]![method].parameters.find((p: any) => p.name === 'Idempotency-Key'),
      { in: 'header', required: true },
      `${method} ${path}`,
    );
  }
  const confirm = doc.paths['/v1/orders/{id}/confirm']!.post.requestBody.content['application/json'].schema;
  t.truthy(confirm.properties.razorpay_order_id && confirm.properties.razorpay_signature, 'the checkout callback');
  t.truthy(doc.webhooks['notification.succeeded'], 'the webhooks we send to apps');
  t.is(OPERATIONS.length, Object.values(doc.paths).flatMap((item) => Object.keys(item)).length);
});

test('openapi: served at /openapi.json, rendered at /docs through the front door, without credentials', async (t) => {
  const h = await embeddedHarness();
  const json = await h.fetch('/openapi.json');
  t.is(json.status, 200);
  t.like(await json.json(), { openapi: '3.1.0' });
  const docs = await h.fetch('/docs');
  t.is(docs.status, 200);
  t.regex(docs.headers.get('content-type') ?? '', /^text\/html/);
  t.regex(await docs.text(), /data-spec="\/openapi.json"/);
  await h.close();
});
