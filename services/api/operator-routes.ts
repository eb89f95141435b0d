import { Hono } from 'hono';
import { every } from 'hono/combine';
import * as v from 'valibot';
import { AppError } from '../../shared/domain/errors.ts';
import { MAX_AMOUNT } from '../../shared/domain/money.ts';
import { operatorAuth } from '../../shared/http/auth.ts';
import { noCardNumber } from '../../shared/http/card-data.ts';
import type { AppEnv } from '../../shared/http/env.ts';
import { DEFAULT_LIMITS, rateLimit } from '../../shared/http/rate-limits.ts';
import { OrderId } from '../../shared/http/schemas.ts';
import { parseJsonBody, parseQuery, parseWith } from '../../shared/http/validate.ts';
import { listDeliveries } from '../../shared/use-cases/deliver-notification.ts';
import { refundOrder } from '../../shared/use-cases/refund-order.ts';
import { setAccountStatus } from '../../shared/use-cases/settle-account.ts';
import type { ApiDeps } from './deps.ts';
import { IdempotencyKey } from './schemas.ts';
import { orderView } from './views.ts';

const RefundBody = v.strictObject({
  amount: v.optional(
    v.pipe(v.number(), v.integer('amount must be an integer number of paise'), v.minValue(1), v.maxValue(MAX_AMOUNT)),
  ),
  reason: v.pipe(v.string(), v.trim(), v.minLength(1, 'say why'), v.maxLength(255), noCardNumber),
});

const DeliveriesQuery = v.strictObject({
  orderId: v.optional(OrderId),
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(100)), '50'),
});

const CustomerIdParam = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,128}$/, 'not a customer id'));

function orderIdParam(id: string): string {
  if (!v.is(OrderId, id)) throw new AppError('not-found', `no order ${id}`);
  return id;
}

/**
 * Operator endpoints, a sub-app of the api service, by API key and role: refunds and closing or reopening an account
 * (finance: both change money), any order and the
 * deliveries (support, finance). Errors and unknown paths fall through to the api's own handlers.
 */
export function createOperatorApp(deps: ApiDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // per operator key, counted after the key is known to be valid (guessing keys is what the per-IP limits stop)
  const perKey = rateLimit(
    'per operator key',
    (deps.limits ?? DEFAULT_LIMITS).operatorPerMinute,
    (c) => c.get('operator').keyId,
  );
  const anyOperator = every(operatorAuth(deps.operatorKeys, ['support', 'finance']), perKey);
  const finance = every(operatorAuth(deps.operatorKeys, ['finance']), perKey);

  app.post('/v1/orders/:id/refunds', finance, async (c) => {
    const orderId = orderIdParam(c.req.param('id'));
    const idempotencyKey = parseWith(IdempotencyKey, c.req.header('idempotency-key'), 'Idempotency-Key header');
    const body = await parseJsonBody(c, RefundBody);
    const { order, refund, created } = await refundOrder(
      orderId,
      { ...(body.amount !== undefined ? { amount: body.amount } : {}), reason: body.reason, idempotencyKey },
      c.get('operator'),
      { ...deps, logger: c.get('logger') },
    );
    if (!created) c.header('idempotent-replayed', 'true');
    return c.json({ refund, order: orderView(order) }, 201);
  });

  app.get('/v1/ops/orders/:id', anyOperator, async (c) => {
    const order = await deps.orders.get(orderIdParam(c.req.param('id')));
    if (!order) throw new AppError('not-found', 'no such order');
    return c.json({ ...orderView(order), customerId: order.customerId });
  });

  app.get('/v1/ops/deliveries', anyOperator, async (c) => {
    const q = parseQuery(c, DeliveriesQuery);
    return c.json({
      items: await listDeliveries({ ...(q.orderId ? { orderId: q.orderId } : {}), limit: q.limit }, deps),
    });
  });

  app.post('/v1/ops/accounts/:customerId/close', finance, async (c) => {
    const customerId = parseWith(CustomerIdParam, c.req.param('customerId'), 'customer id');
    return c.json(
      await setAccountStatus(customerId, 'closed', c.get('operator'), { ...deps, logger: c.get('logger') }),
    );
  });

  app.post('/v1/ops/accounts/:customerId/reopen', finance, async (c) => {
    const customerId = parseWith(CustomerIdParam, c.req.param('customerId'), 'customer id');
    return c.json(await setAccountStatus(customerId, 'open', c.get('operator'), { ...deps, logger: c.get('logger') }));
  });
  return app;
}
