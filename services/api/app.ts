import { every } from 'hono/combine';
import { cors } from 'hono/cors';
import * as v from 'valibot';
import { AppError } from '../../shared/domain/errors.ts';
import { PAYMENT_STATUSES } from '../../shared/domain/payment-types.ts';
import { customerAuth } from '../../shared/http/auth.ts';
import { noCardDataInNotes, noCardNumber } from '../../shared/http/card-data.ts';
import { clientIp, DEFAULT_LIMITS, rateLimit } from '../../shared/http/rate-limits.ts';
import { MoneySchema, OrderId } from '../../shared/http/schemas.ts';
import { createServiceApp } from '../../shared/http/service-app.ts';
import { parseJsonBody, parseQuery, parseWith } from '../../shared/http/validate.ts';
import { confirmPayment } from '../../shared/use-cases/confirm-payment.ts';
import { createOrder } from '../../shared/use-cases/create-order.ts';
import { getCustomerOrder, listCustomerOrders } from '../../shared/use-cases/customer-orders.ts';
import { listNotifications } from '../../shared/use-cases/notify-customer.ts';
import { checkOpenOrderCap } from '../../shared/use-cases/open-order-cap.ts';
import { getAccount, listAccountEntries } from '../../shared/use-cases/settle-account.ts';
import type { ApiDeps } from './deps.ts';
import { createOperatorApp } from './operator-routes.ts';
import { IdempotencyKey } from './schemas.ts';
import { checkoutView, orderView } from './views.ts';

const CreateOrderBody = v.strictObject({
  ...MoneySchema.entries,
  // card data is never taken: the gateway's checkout collects it (PCI DSS scope stays with the gateway)
  description: v.optional(v.pipe(v.string(), v.maxLength(255), noCardNumber)),
  // Razorpay's own limits on notes: at most 15 keys, values up to 256 characters
  notes: v.optional(
    v.pipe(
      v.record(v.pipe(v.string(), v.minLength(1), v.maxLength(40)), v.pipe(v.string(), v.maxLength(256))),
      v.check((notes) => Object.keys(notes).length <= 15, 'at most 15 notes'),
      noCardDataInNotes,
    ),
  ),
});

const ConfirmBody = v.strictObject({
  paymentId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_]{1,64}$/, 'not a payment id')),
  signature: v.pipe(v.string(), v.regex(/^[0-9a-fA-F]{1,128}$/, 'not a hex signature')),
});

const Limit = v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(100)), '20');
const Cursor = v.optional(v.pipe(v.string(), v.maxLength(512)));

const ListQuery = v.strictObject({
  status: v.optional(v.picklist(PAYMENT_STATUSES)),
  from: v.optional(v.pipe(v.string(), v.isoTimestamp('from: an ISO 8601 timestamp'))),
  to: v.optional(v.pipe(v.string(), v.isoTimestamp('to: an ISO 8601 timestamp'))),
  limit: Limit,
  cursor: Cursor,
});

const FeedQuery = v.strictObject({ limit: Limit, cursor: Cursor });

function orderIdParam(id: string): string {
  if (!v.is(OrderId, id)) throw new AppError('not-found', `no order ${id}`);
  return id;
}

export type { ApiDeps };

/** The customer-facing API: create and confirm payments, read orders and the notification feed. */
export function createApp(deps: ApiDeps) {
  const app = createServiceApp({ name: 'api', logger: deps.logger, bodyLimitBytes: deps.bodyLimitBytes });
  const limits = deps.limits ?? DEFAULT_LIMITS;
  // browsers may call the API only from the configured origins; with none configured, no CORS headers at all
  if (deps.corsOrigins && deps.corsOrigins.length > 0) {
    const origins = deps.corsOrigins;
    app.use(
      '/v1/*',
      cors({
        origin: (origin) => (origins.includes(origin) ? origin : null),
        allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Request-Id'],
        allowMethods: ['GET', 'POST'],
        exposeHeaders: ['X-Request-Id', 'Retry-After', 'Idempotent-Replayed'],
        maxAge: 600,
      }),
    );
  }
  // every client IP: a general limit, and a much lower one on refused authentications (token or key guessing)
  app.use('/v1/*', rateLimit('from one address', limits.ipPerMinute, clientIp));
  app.use(
    '/v1/*',
    rateLimit('refused as unauthenticated from one address', limits.authFailuresPerMinute, clientIp, {
      failuresOnly: true,
    }),
  );
  // each route names its own authentication, so no route depends on the order of registration
  const customer = every(
    customerAuth(deps.customerTokens),
    rateLimit('per customer', limits.customerPerMinute, (c) => c.get('customerId')),
  );
  app.route('/', createOperatorApp(deps));

  app.post('/v1/orders', customer, async (c) => {
    const idempotencyKey = parseWith(IdempotencyKey, c.req.header('idempotency-key'), 'Idempotency-Key header');
    const body = await parseJsonBody(c, CreateOrderBody);
    await checkOpenOrderCap(c.get('customerId'), limits.maxOpenOrdersPerCustomer, deps);
    const result = await createOrder(
      {
        customerId: c.get('customerId'),
        idempotencyKey,
        amount: { amount: body.amount, currency: body.currency },
        description: body.description,
        notes: body.notes,
      },
      { ...deps, logger: c.get('logger') },
    );
    if (!result.created) c.header('idempotent-replayed', 'true');
    return c.json({ ...orderView(result.order), checkout: checkoutView(result.checkout) }, 201);
  });

  app.get('/v1/orders', customer, async (c) => {
    const q = parseQuery(c, ListQuery);
    const page = await listCustomerOrders(
      {
        customerId: c.get('customerId'),
        limit: q.limit,
        ...(q.status ? { status: q.status } : {}),
        ...(q.from ? { createdFrom: new Date(q.from).toISOString() } : {}),
        ...(q.to ? { createdTo: new Date(q.to).toISOString() } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
      },
      deps,
    );
    return c.json({ items: page.items.map(orderView), nextCursor: page.nextCursor });
  });

  app.get('/v1/orders/:id', customer, async (c) => {
    const order = await getCustomerOrder(c.get('customerId'), orderIdParam(c.req.param('id')), deps);
    return c.json(orderView(order));
  });

  app.post('/v1/orders/:id/confirm', customer, async (c) => {
    const orderId = orderIdParam(c.req.param('id'));
    const body = await parseJsonBody(c, ConfirmBody);
    const order = await confirmPayment(c.get('customerId'), orderId, body, { ...deps, logger: c.get('logger') });
    return c.json(orderView(order), 202);
  });

  app.get('/v1/account', customer, async (c) => c.json(await getAccount(c.get('customerId'), deps)));

  app.get('/v1/account/entries', customer, async (c) => {
    const q = parseQuery(c, FeedQuery);
    const page = await listAccountEntries(c.get('customerId'), q.limit, q.cursor, deps);
    return c.json({ items: page.items, nextCursor: page.nextCursor });
  });

  app.get('/v1/notifications', customer, async (c) => {
    const q = parseQuery(c, FeedQuery);
    const page = await listNotifications(c.get('customerId'), q.limit, q.cursor, deps);
    return c.json({ items: page.items, nextCursor: page.nextCursor });
  });

  return app;
}
