import { every } from 'hono/combine';
import { cors } from 'hono/cors';
import { streamSSE } from 'hono/streaming';
import * as v from 'valibot';
import { AppError } from '../../shared/domain/errors.ts';
import { customerAuth } from '../../shared/http/auth.ts';
import { clientIp, DEFAULT_LIMITS, rateLimit } from '../../shared/http/rate-limits.ts';
import { OrderId } from '../../shared/http/schemas.ts';
import { createServiceApp } from '../../shared/http/service-app.ts';
import { parseHeader, parseJsonBody, parseQuery } from '../../shared/http/validate.ts';
import { confirmPayment } from '../../shared/use-cases/confirm-payment.ts';
import { createOrder } from '../../shared/use-cases/create-order.ts';
import { getCustomerOrder, listCustomerOrders } from '../../shared/use-cases/customer-orders.ts';
import { followCustomerOrder, type OrderStreamEvent } from '../../shared/use-cases/follow-order.ts';
import { listNotifications } from '../../shared/use-cases/notify-customer.ts';
import { checkOpenOrderCap } from '../../shared/use-cases/open-order-cap.ts';
import { getAccount, listAccountEntries } from '../../shared/use-cases/settle-account.ts';
import type { ApiDeps } from './deps.ts';
import { docsPage } from './docs-page.ts';
import { openApiDocument } from './openapi.ts';
import { createOperatorApp } from './operator-routes.ts';
import { createReconciliationApp } from './reconciliation-routes.ts';
import { ConfirmBody, CreateOrderBody, FeedQuery, IdempotencyKey, LastEventId, ListQuery } from './schemas.ts';
import { checkoutView, orderView } from './views.ts';

/** A comment line on an idle stream, so proxies and the client know it is alive. */
export const STREAM_HEARTBEAT_MS = 15_000;

function streamMessage(event: OrderStreamEvent) {
  return { id: String(event.id), event: 'status', data: JSON.stringify(event) };
}

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
        allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'Last-Event-ID', 'X-Request-Id'],
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
  app.route('/', createReconciliationApp(deps));

  // the reference: generated from the schemas the routes validate with (services/api/openapi.ts)
  app.get('/openapi.json', (c) => c.json(openApiDocument()));
  app.get('/docs', (c) => c.html(docsPage('/openapi.json')));

  app.post('/v1/orders', customer, async (c) => {
    const idempotencyKey = parseHeader(c, 'Idempotency-Key', IdempotencyKey);
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
    // the check on ConfirmBody guarantees one complete form or the other
    const callback = {
      ...(body.razorpay_order_id !== undefined ? { gatewayOrderId: body.razorpay_order_id } : {}),
      paymentId: (body.razorpay_payment_id ?? body.paymentId)!,
      signature: (body.razorpay_signature ?? body.signature)!,
    };
    const order = await confirmPayment(c.get('customerId'), orderId, callback, { ...deps, logger: c.get('logger') });
    return c.json(orderView(order), 202);
  });

  app.get('/v1/orders/:id/stream', customer, async (c) => {
    const orderId = orderIdParam(c.req.param('id'));
    const after = parseHeader(c, 'Last-Event-ID', LastEventId) ?? null;
    const live = await followCustomerOrder(c.get('customerId'), orderId, after, deps);
    // 204 tells an EventSource to stop reconnecting: the client already has the final status
    if (live.initial.length === 0 && live.finished) return c.body(null, 204);
    c.header('cache-control', 'no-store');
    // Cloud Run and nginx-style proxies would otherwise buffer the stream
    c.header('x-accel-buffering', 'no');
    return streamSSE(c, async (stream) => {
      const stop = new AbortController();
      stream.onAbort(() => stop.abort());
      const heartbeat = setInterval(
        () => void stream.write(': heartbeat\n\n'),
        deps.streamHeartbeatMs ?? STREAM_HEARTBEAT_MS,
      );
      try {
        // how long a client waits before it reconnects (with Last-Event-ID) after the connection drops
        await stream.write('retry: 3000\n\n');
        for (const event of live.initial) await stream.writeSSE(streamMessage(event));
        if (live.finished) return;
        for await (const event of live.follow(stop.signal)) await stream.writeSSE(streamMessage(event));
      } catch (error) {
        c.get('logger').log('WARNING', 'order stream ended early', { orderId, error });
      } finally {
        clearInterval(heartbeat);
        stop.abort();
      }
    });
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
