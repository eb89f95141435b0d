import { createHmac } from 'node:crypto';
import test from 'ava';
import { LocalIssuer } from '../../services/dev/local-issuer.ts';
import { createEmbeddedStack } from '../../services/embedded/stack.ts';
import { MemoryLogger } from '../../shared/adapters/logging/json-logger.ts';

const BASE = 'http://attack.test';
const FINANCE = 'finance-key-for-the-attack-suite';
const SUPPORT = 'support-key-for-the-attack-suite';

/** One attack: what it was, the answer, and whether that answer is a refusal. */
interface Outcome {
  readonly name: string;
  readonly status: number;
  readonly refused: boolean;
}

/**
 * The attack suite: what an attacker on the internet would try, against the running embedded stack with its default
 * limits. Every attack must be refused, and none may write anything: no order, refund, event, task, notification or
 * ledger entry changes. Prints how many attacks of each class were tried.
 */
test('every attack on the running embedded stack is refused, and none writes anything', async (t) => {
  const logger = new MemoryLogger();
  const stack = await createEmbeddedStack({
    baseUrl: BASE,
    logger,
    operatorApiKeys: `finance:${FINANCE},support:${SUPPORT}`,
    refundAutoSettleMs: null,
  });
  t.teardown(() => stack.stop());
  let address = 0;
  // each attack from an address of its own (the last X-Forwarded-For hop is what Google's front end appends), so one
  // attack's refusals do not throttle the next; the flood class shares one address on purpose
  const send = (path: string, init: RequestInit & { ip?: string } = {}) => {
    const headers = new Headers(init.headers);
    address++;
    headers.set(
      'x-forwarded-for',
      `203.0.113.9, ${init.ip ?? `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address & 255}`}`,
    );
    return stack.fetch(new Request(`${BASE}${path}`, { ...init, headers }));
  };
  const token = async (customerId: string) =>
    ((await (await send(`/dev/token?customerId=${customerId}`)).json()) as { token: string }).token;

  // the victims: Alice with an open order, Bob with a paid one, both with notes
  const alice = await token('cust_alice');
  const bob = await token('cust_bob');
  const mallory = await token('cust_mallory');
  const create = async (who: string, key: string) => {
    const res = await send('/v1/orders', {
      method: 'POST',
      headers: { authorization: `Bearer ${who}`, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify({ amount: 49_900, currency: 'INR', description: 'Gold plan', notes: { ref: 'r-1' } }),
    });
    t.is(res.status, 201, await res.clone().text());
    return (await res.json()) as { id: string; checkout: { gatewayOrderId: string } };
  };
  const aliceOrder = await create(alice, 'alice-1');
  const bobOrder = await create(bob, 'bob-1');
  const payRes = await send(`/sandbox/control/orders/${bobOrder.checkout.gatewayOrderId}/pay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ outcome: 'success', webhook: 'deliver' }),
  });
  t.is(payRes.status, 200);
  const { paymentId } = (await payRes.json()) as { paymentId: string };
  await stack.drain();
  t.is((await stack.deps.orders.get(bobOrder.id))?.status, 'succeeded');

  // a genuine webhook, as the gateway signed it, already applied: replaying it must change nothing
  const captured = (orderId: string, createdAt: number) =>
    JSON.stringify({
      entity: 'event',
      account_id: 'acc_1',
      event: 'payment.captured',
      contains: ['payment'],
      payload: {
        payment: {
          entity: {
            id: paymentId,
            entity: 'payment',
            amount: 49_900,
            currency: 'INR',
            status: 'captured',
            order_id: orderId,
            method: 'upi',
            captured: true,
            created_at: createdAt,
          },
        },
      },
      created_at: createdAt,
    });
  const sign = (body: string, secret = stack.razorpay.webhookSecret) =>
    createHmac('sha256', secret).update(body).digest('hex');
  const now = Math.floor(Date.now() / 1000);
  const genuine = captured(bobOrder.checkout.gatewayOrderId, now);
  const applied = await send('/webhooks/razorpay', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-razorpay-signature': sign(genuine),
      'x-razorpay-event-id': 'evt_genuine',
    },
    body: genuine,
  });
  t.is(applied.status, 200);
  await stack.drain();

  const snapshot = async () =>
    JSON.stringify({
      orders: await Promise.all(
        ['cust_alice', 'cust_bob', 'cust_mallory', '__proto__', 'constructor'].map(
          async (customerId) => (await stack.deps.orders.list({ customerId, limit: 100 })).items,
        ),
      ),
      open: await stack.deps.orders.listOpen('1970-01-01T00:00:00.000Z', '2999-01-01T00:00:00.000Z', 10_000),
      outbox: await stack.deps.outbox.pending(10_000),
      tasks: stack.queue.pending().length,
      published: stack.bus.published.length,
      notifications: await Promise.all(
        ['cust_alice', 'cust_bob'].map(async (c) => (await stack.deps.notifications.list(c, 100)).items),
      ),
      accounts: await Promise.all(['cust_alice', 'cust_bob', '__proto__'].map((c) => stack.deps.accounts.get(c))),
      polluted: ({} as Record<string, unknown>).polluted ?? null,
    });
  const before = await snapshot();

  const classes = new Map<string, Outcome[]>();
  const attack = async (
    cls: string,
    name: string,
    run: () => Promise<Response>,
    refused: (res: Response, body: string) => boolean = (res) => res.status >= 400 && res.status < 500,
  ) => {
    const res = await run();
    const body = await res.text();
    const outcome = { name, status: res.status, refused: refused(res, body) };
    if (!outcome.refused) t.fail(`${cls}: ${name} was not refused: ${res.status} ${body.slice(0, 200)}`);
    if (res.status >= 400) t.regex(res.headers.get('content-type') ?? '', /json/, `${cls}: ${name} answers JSON`);
    t.false(body.includes('    at '), `${cls}: ${name} leaks no stack trace`);
    classes.set(cls, [...(classes.get(cls) ?? []), outcome]);
  };
  const statusIs =
    (...statuses: number[]) =>
    (res: Response) =>
      statuses.includes(res.status);
  const acknowledgedAs =
    (...statuses: string[]) =>
    (res: Response, body: string) =>
      res.status === 200 && statuses.includes((JSON.parse(body) as { status: string }).status);

  // ---- webhooks: forged, wrong secret, tampered, unsigned, replayed, stale
  const forAlice = captured(aliceOrder.checkout.gatewayOrderId, now);
  const webhook = (body: string, signature: string | null, eventId: string) => () =>
    send('/webhooks/razorpay', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-razorpay-event-id': eventId,
        ...(signature === null ? {} : { 'x-razorpay-signature': signature }),
      },
      body,
    });
  await attack('webhook', 'forged signature', webhook(forAlice, 'ab'.repeat(32), 'evt_f1'), statusIs(401));
  await attack(
    'webhook',
    'signed with a wrong secret',
    webhook(forAlice, sign(forAlice, 'not-the-secret'), 'evt_f2'),
    statusIs(401),
  );
  await attack(
    'webhook',
    'signed with the key secret',
    webhook(forAlice, sign(forAlice, stack.razorpay.keySecret), 'evt_f3'),
    statusIs(401),
  );
  await attack('webhook', 'no signature', webhook(forAlice, null, 'evt_f4'), statusIs(401));
  await attack('webhook', 'genuine signature, body altered', webhook(forAlice, sign(genuine), 'evt_f5'), statusIs(401));
  await attack(
    'webhook',
    'signature in upper case hex of another body',
    webhook(forAlice, sign(genuine).toUpperCase(), 'evt_f6'),
    statusIs(401),
  );
  for (let i = 0; i < 5; i++) {
    await attack(
      'webhook',
      `replayed genuine webhook #${i + 1}`,
      webhook(genuine, sign(genuine), 'evt_genuine'),
      // acknowledged, and nothing changes (the snapshot below): a replay of a webhook that changed the order is a
      // `duplicate`; this one found the order already settled, so it was not recorded and applies as `unchanged`
      acknowledgedAs('duplicate', 'unchanged'),
    );
  }
  const stale = captured(aliceOrder.checkout.gatewayOrderId, now - 3 * 86_400);
  await attack(
    'webhook',
    'validly signed but three days old',
    webhook(stale, sign(stale), 'evt_stale'),
    acknowledgedAs('stale'),
  );
  const staleNoId = captured(aliceOrder.checkout.gatewayOrderId, now - 2 * 86_400);
  await attack(
    'webhook',
    'validly signed, two days old, no event id',
    webhook(staleNoId, sign(staleNoId), ''),
    acknowledgedAs('stale'),
  );

  // ---- internal endpoints: no token, garbage, a customer's token, another audience, another issuer
  const stranger = await LocalIssuer.create(`${BASE}/dev`);
  const internalTokens: [string, () => Promise<string | null>][] = [
    ['no token', async () => null],
    ['a garbage token', async () => 'not.a.jwt'],
    ["a customer's token", async () => mallory],
    ['a push token for another audience', () => stack.issuer.pushToken('https://elsewhere.example')],
    ['a push token from another issuer key', () => stranger.pushToken()],
  ];
  const internalPaths = [
    '/tasks/check-payment',
    '/tasks/check-refund',
    '/tasks/deliver-notification',
    '/jobs/sweep-outbox',
    '/pubsub/notifier/payment-events',
    '/pubsub/fulfillment/payment-events',
    '/pubsub/refunds/payment-events',
  ];
  const internalBody = JSON.stringify({ orderId: aliceOrder.id, check: 1, refundId: 'rfd_x', notificationId: 'n' });
  for (const path of internalPaths) {
    for (const [what, make] of internalTokens) {
      const bearer = await make();
      await attack(
        'internal endpoint',
        `${path} with ${what}`,
        () =>
          send(path, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
            body: internalBody,
          }),
        statusIs(401),
      );
    }
  }

  // ---- customer tokens that are well signed but say too little or too much
  const iat = now;
  const badTokens: [string, Record<string, unknown>][] = [
    ['no exp', { sub: 'cust_mallory', iat }],
    ['no iat', { sub: 'cust_mallory', exp: iat + 600 }],
    ['no sub', { iat, exp: iat + 600 }],
    ['a lifetime of a year', { sub: 'cust_mallory', iat, exp: iat + 365 * 86_400 }],
    ['issued tomorrow', { sub: 'cust_mallory', iat: iat + 86_400, exp: iat + 86_400 + 600 }],
    ['expired an hour ago', { sub: 'cust_mallory', iat: iat - 7200, exp: iat - 3600 }],
    ['another audience', { sub: 'cust_mallory', iat, exp: iat + 600, aud: 'someone-else' }],
    ['another issuer', { sub: 'cust_mallory', iat, exp: iat + 600, iss: 'https://evil.example' }],
    ["Alice's id as a number", { sub: 42, iat, exp: iat + 600 }],
  ];
  for (const [what, claims] of badTokens) {
    const bad = await stack.issuer.tokenWithClaims(claims);
    await attack(
      'token',
      what,
      () => send('/v1/orders', { headers: { authorization: `Bearer ${bad}` } }),
      statusIs(401),
    );
  }
  const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'cust_alice', iat, exp: iat + 600, iss: `${BASE}/dev`, aud: LocalIssuer.CUSTOMER_AUDIENCE })).toString('base64url')}.`;
  await attack(
    'token',
    'alg none',
    () => send('/v1/orders', { headers: { authorization: `Bearer ${unsigned}` } }),
    statusIs(401),
  );
  const strangerToken = await stranger.customerToken('cust_alice');
  await attack(
    'token',
    'signed by another key',
    () => send('/v1/orders', { headers: { authorization: `Bearer ${strangerToken}` } }),
    statusIs(401),
  );

  // ---- cross-customer access: Mallory at Alice's and Bob's orders
  const asMallory = { authorization: `Bearer ${mallory}` };
  for (const order of [aliceOrder, bobOrder]) {
    await attack(
      'cross-customer',
      `read ${order.id}`,
      () => send(`/v1/orders/${order.id}`, { headers: asMallory }),
      statusIs(404),
    );
    await attack(
      'cross-customer',
      `confirm ${order.id}`,
      () =>
        send(`/v1/orders/${order.id}/confirm`, {
          method: 'POST',
          headers: { ...asMallory, 'content-type': 'application/json' },
          body: JSON.stringify({ paymentId, signature: 'ab'.repeat(32) }),
        }),
      statusIs(404),
    );
  }
  await attack(
    'cross-customer',
    "list shows none of the others' orders",
    () => send('/v1/orders', { headers: asMallory }),
    (res, body) => res.status === 200 && !body.includes(aliceOrder.id) && !body.includes(bobOrder.id),
  );

  // ---- operator routes with a customer's token, a guessed key, or the wrong role
  const operatorRoutes: [string, string, unknown][] = [
    ['POST', `/v1/orders/${bobOrder.id}/refunds`, { amount: 100, reason: 'because' }],
    ['GET', `/v1/ops/orders/${aliceOrder.id}`, undefined],
    ['GET', '/v1/ops/deliveries', undefined],
    ['POST', '/v1/ops/accounts/cust_bob/close', {}],
  ];
  for (const [method, path, body] of operatorRoutes) {
    for (const [what, headers] of [
      ["a customer's bearer token", { authorization: `Bearer ${bob}` }],
      ["a customer's token as the key", { 'x-api-key': bob }],
      ['a guessed key', { 'x-api-key': 'finance-key-for-the-attack-suit' }],
    ] as const) {
      await attack(
        'operator route',
        `${method} ${path} with ${what}`,
        () =>
          send(path, {
            method,
            headers: { ...headers, 'idempotency-key': 'op-1', ...(body ? { 'content-type': 'application/json' } : {}) },
            ...(body ? { body: JSON.stringify(body) } : {}),
          }),
        statusIs(401),
      );
    }
  }
  for (const [method, path, body] of [operatorRoutes[0]!, operatorRoutes[3]!]) {
    await attack(
      'operator route',
      `${method} ${path} with the support role`,
      () =>
        send(path, {
          method,
          headers: { 'x-api-key': SUPPORT, 'idempotency-key': 'op-2', 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }),
      statusIs(403),
    );
  }

  // ---- oversized, deep and prototype-named input
  const asAlice = { authorization: `Bearer ${alice}`, 'content-type': 'application/json' };
  const huge = `{"amount":49900,"currency":"INR","description":"${'x'.repeat(2 * 1024 * 1024)}"}`;
  const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
  const input: [string, string, Record<string, string>, string][] = [
    ['2 MB order', '/v1/orders', { ...asAlice, 'idempotency-key': 'big' }, huge],
    [
      '2 MB webhook',
      '/webhooks/razorpay',
      { 'content-type': 'application/json', 'x-razorpay-signature': sign(huge) },
      huge,
    ],
    ['2 MB to the sandbox', `/sandbox/v1/orders`, { 'content-type': 'application/json' }, huge],
    [
      '2 MB to the sandbox control',
      `/sandbox/control/orders/${aliceOrder.checkout.gatewayOrderId}/pay`,
      { 'content-type': 'application/json' },
      huge,
    ],
    ['5000 levels deep', '/v1/orders', { ...asAlice, 'idempotency-key': 'deep' }, deep],
    [
      '20 levels deep notes',
      '/v1/orders',
      { ...asAlice, 'idempotency-key': 'deep2' },
      `{"amount":100,"currency":"INR","notes":${'{"a":'.repeat(20)}1${'}'.repeat(20)}}`,
    ],
    [
      '__proto__ at the top',
      '/v1/orders',
      { ...asAlice, 'idempotency-key': 'p1' },
      '{"amount":100,"currency":"INR","__proto__":{"polluted":1}}',
    ],
    [
      '__proto__ in notes',
      '/v1/orders',
      { ...asAlice, 'idempotency-key': 'p2' },
      '{"amount":100,"currency":"INR","notes":{"__proto__":"x"}}',
    ],
    [
      'constructor.prototype',
      '/v1/orders',
      { ...asAlice, 'idempotency-key': 'p3' },
      '{"amount":100,"currency":"INR","constructor":{"prototype":{"polluted":1}}}',
    ],
    [
      '__proto__ spelled with a JSON escape',
      '/v1/orders',
      { ...asAlice, 'idempotency-key': 'p5' },
      '{"amount":100,"currency":"INR","notes":{"\\u005f_proto__":"x"}}',
    ],
    [
      '__proto__ in a refund',
      `/v1/orders/${bobOrder.id}/refunds`,
      { 'x-api-key': FINANCE, 'content-type': 'application/json', 'idempotency-key': 'p4' },
      '{"reason":"x","__proto__":{"amount":1}}',
    ],
  ];
  for (const [what, path, headers, body] of input) {
    await attack('oversized, deep or prototype-named input', what, () => send(path, { method: 'POST', headers, body }));
  }
  const prototypePaths: [string, string][] = [
    ['POST', '/pubsub/__proto__/payment-events'],
    ['POST', '/pubsub/constructor/payment-events'],
    ['POST', '/pubsub/hasOwnProperty/payment-events'],
    ['GET', '/v1/orders/__proto__'],
    ['GET', '/v1/orders/constructor'],
    ['GET', '/sandbox/control/orders/__proto__'],
    ['POST', '/sandbox/control/orders/__proto__/pay'],
    ['GET', '/v1/ops/orders/__proto__'],
  ];
  for (const [method, path] of prototypePaths) {
    await attack('oversized, deep or prototype-named input', `${method} ${path}`, () =>
      send(path, {
        method,
        headers: { ...asAlice, 'x-api-key': FINANCE },
        ...(method === 'POST' ? { body: '{}' } : {}),
      }),
    );
  }

  // ---- card data in the description or notes
  const cards: [string, unknown][] = [
    ['a card number in the description', { description: 'card 4111 1111 1111 1111' }],
    ['a dashed card number in a note', { notes: { memo: '5500-0055-5555-5559' } }],
    ['an Amex number in a note', { notes: { ref: '378282246310005' } }],
    ['a cvv note', { notes: { cvv: '123' } }],
    ['a CVC2 note', { notes: { CVC2: '123' } }],
    ['a card_code note', { notes: { card_code: '1234' } }],
    ['a card number as a note key', { notes: { '4111111111111111': 'x' } }],
  ];
  for (const [what, extra] of cards) {
    await attack(
      'card data',
      what,
      () =>
        send('/v1/orders', {
          method: 'POST',
          headers: { ...asAlice, 'idempotency-key': `card-${what.length}-${Math.random()}` },
          body: JSON.stringify({ amount: 100, currency: 'INR', ...(extra as object) }),
        }),
      (res, body) => res.status === 400 && /card/.test(body),
    );
  }

  // ---- floods: one customer's reads, one address guessing operator keys
  const floodIp = '198.51.100.7';
  let limited: Response | null = null;
  for (let i = 0; i < 200 && !limited; i++) {
    const res = await send('/v1/orders', { headers: asMallory, ip: `198.51.100.${(i % 200) + 20}` });
    if (res.status === 429) limited = res;
  }
  await attack(
    'flood',
    'one customer past its per-customer limit',
    async () => limited ?? new Response(null, { status: 200 }),
    (res) => res.status === 429 && Number(res.headers.get('retry-after')) > 0,
  );
  let guessed: Response | null = null;
  for (let i = 0; i < 200 && !guessed; i++) {
    const res = await send('/v1/ops/deliveries', {
      headers: { 'x-api-key': `guess-${i}-xxxxxxxxxxxxxxxx` },
      ip: floodIp,
    });
    if (res.status === 429) guessed = res;
  }
  await attack(
    'flood',
    'one address guessing operator keys',
    async () => guessed ?? new Response(null, { status: 200 }),
    (res) => res.status === 429 && Number(res.headers.get('retry-after')) > 0,
  );
  await attack(
    'flood',
    'the right key from that address, still locked out',
    () => send('/v1/ops/deliveries', { headers: { 'x-api-key': FINANCE }, ip: floodIp }),
    statusIs(429),
  );

  await stack.drain();
  t.is(await snapshot(), before, 'nothing was written by any attack');

  // the open-order cap: a customer filling the store with unpaid orders (this one writes, up to the cap)
  const eve = await token('cust_eve');
  let capped: Response | null = null;
  let created = 0;
  for (let i = 0; i < 30 && !capped; i++) {
    const res = await send('/v1/orders', {
      method: 'POST',
      headers: { authorization: `Bearer ${eve}`, 'content-type': 'application/json', 'idempotency-key': `eve-${i}` },
      body: JSON.stringify({ amount: 100, currency: 'INR' }),
    });
    if (res.status === 201) created++;
    else capped = res;
  }
  await attack(
    'flood',
    'unpaid orders past the open-order cap',
    async () => capped ?? new Response(null, { status: 201 }),
    statusIs(409),
  );
  t.is(created, 20, 'exactly the cap was created');
  t.is((await stack.deps.orders.list({ customerId: 'cust_eve', limit: 100 })).items.length, 20);

  t.is((await stack.deps.orders.get(aliceOrder.id))?.status, 'created', "Alice's order is untouched");
  t.false(
    logger.lines.some((l) => JSON.stringify(l).includes(FINANCE)),
    'no operator key in the logs',
  );
  const summary = [...classes].map(([cls, outcomes]) => `${cls}: ${outcomes.length}`);
  const total = [...classes.values()].reduce((n, o) => n + o.length, 0);
  console.log(`attack suite (embedded): ${total} attacks, all refused — ${summary.join(', ')}`);
  t.log(`${total} attacks — ${summary.join(', ')}`);
  t.true([...classes.values()].every((o) => o.every((x) => x.refused)));
});
