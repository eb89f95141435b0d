import test from 'ava';
import { seededRandom } from '../../shared/adapters/memory/ids.ts';
import { embeddedHarness } from './embedded-harness.ts';
import { client } from './harness.ts';

const JUNK: unknown[] = [
  null,
  0,
  -1,
  1.5,
  1e308,
  '',
  'x'.repeat(300),
  '\u0000',
  '<script>',
  true,
  [],
  [1, 2],
  {},
  { amount: '100' },
  { amount: 100, currency: 'INR', notes: { a: { b: 1 } } },
  { paymentId: 'pay_1', signature: 'zz' },
  { reason: '' },
  { __proto__: { polluted: 1 } },
  { constructor: { prototype: { x: 1 } } },
];

/**
 * Seeded random junk at every route, as anyone on the internet may send: every answer is a 4xx problem (or a 2xx
 * where the input happens to be fine), never a 5xx, and the service keeps serving.
 */
test('bad input at every route → 4xx problem+json, never a 5xx', async (t) => {
  // the abuse limits would answer most of this flood 429 (test/security/attacks.test.ts is about them): raised here,
  // so the junk reaches validation
  const h = await embeddedHarness({
    limits: {
      ipPerMinute: 100_000,
      authFailuresPerMinute: 100_000,
      customerPerMinute: 100_000,
      operatorPerMinute: 100_000,
    },
  });
  const c = await client(h);
  const order = await c.createOrder();
  const random = seededRandom(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const routes: [string, string][] = [
    ['POST', '/v1/orders'],
    ['GET', '/v1/orders?status=<x>&limit=abc&from=yesterday'],
    ['GET', `/v1/orders/${order.id}`],
    ['GET', '/v1/orders/ord_%00%2F..'],
    ['POST', `/v1/orders/${order.id}/confirm`],
    ['POST', `/v1/orders/${order.id}/refunds`],
    ['GET', '/v1/notifications?cursor=%E2%80%AE'],
    ['GET', '/v1/account/entries?limit=-1'],
    ['POST', '/webhooks/razorpay'],
    ['POST', '/pubsub/notifier/payment-events'],
    ['POST', '/pubsub/fulfillment/payment-events'],
    ['POST', '/pubsub/refunds/payment-events'],
    ['POST', '/tasks/check-payment'],
    ['POST', '/tasks/check-refund'],
    ['POST', '/tasks/deliver-notification'],
    ['GET', '/v1/ops/deliveries?orderId=nope'],
    ['POST', '/v1/ops/accounts/%3Cx%3E/close'],
    ['GET', `/v1/orders/${order.id}/payments?limit=0`],
    ['GET', '/v1/orders/ord_nope/stream'],
    ['GET', '/v1/account'],
    ['GET', '/v1/ops/orders/%3Cx%3E'],
    ['GET', '/v1/ops/audit?limit=1e9&cursor=%FF'],
    ['GET', '/v1/ops/webhook-issues?limit=-5&cursor=..'],
    ['POST', '/v1/ops/reconciliations'],
    ['GET', '/v1/ops/reconciliations?limit=x&cursor=%00'],
    ['GET', '/v1/ops/reconciliations/rec_%3Cx%3E?limit=9999'],
    ['POST', '/tasks/reconcile'],
    ['POST', '/jobs/sweep-outbox'],
    ['POST', '/jobs/reconcile'],
  ];
  const token = await h.stack.issuer.pushToken();
  const customerToken = ((await (await h.fetch(`/dev/token?customerId=${c.customerId}`)).json()) as { token: string })
    .token;
  // mostly the right credentials for the route, so the junk reaches validation rather than stopping at auth
  const goodAuth = (path: string): Record<string, string> =>
    path.startsWith('/v1/ops') || path.endsWith('/refunds')
      ? { 'x-api-key': h.operatorKey }
      : path.startsWith('/v1')
        ? { authorization: `Bearer ${customerToken}` }
        : { authorization: `Bearer ${token}` };
  const statuses = new Map<number, number>();
  for (let i = 0; i < 400; i++) {
    const [method, path] = pick(routes);
    const body = pick(JUNK);
    const headers: Record<string, string> = {
      'content-type': pick(['application/json', 'text/plain', 'application/json; charset=utf-8', '']),
      authorization: pick([`Bearer ${token}`, 'Bearer x.y.z', 'Basic Zm9vOmJhcg==', '']),
      'idempotency-key': pick(['k1', '', 'x'.repeat(300), 'bad key!']),
      'x-api-key': pick([h.operatorKey, 'nope', '']),
      'x-razorpay-signature': pick(['00', 'zz', '']),
    };
    for (const k of Object.keys(headers)) if (headers[k] === '') delete headers[k];
    if (random() < 0.8) {
      delete headers['x-api-key'];
      Object.assign(headers, goodAuth(path));
      if (random() < 0.7) headers['content-type'] = 'application/json';
    }
    const res = await h.fetch(path, {
      method,
      headers,
      ...(method === 'POST' ? { body: random() < 0.2 ? '{"amount": 1' : JSON.stringify(body) } : {}),
    });
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    t.true(res.status < 500, `${method} ${path} → ${res.status}: ${await res.clone().text()}`);
    if (res.status >= 400) t.regex(res.headers.get('content-type') ?? '', /^application\/(problem\+)?json/);
    await res.body?.cancel();
  }
  t.log(Object.fromEntries([...statuses].sort()));
  t.is((await c.order(order.id)).status, 'created', 'nothing changed the order');
  t.is((await client(h)).customerId.length > 0, true, 'still serving');
  await h.close();
});
