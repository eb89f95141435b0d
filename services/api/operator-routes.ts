import { type Context, Hono } from 'hono';
import { every } from 'hono/combine';
import * as v from 'valibot';
import { AppError } from '../../shared/domain/errors.ts';
import type { Actor, OperatorAction } from '../../shared/domain/permissions.ts';
import { operatorAuth } from '../../shared/http/auth.ts';
import type { AppEnv } from '../../shared/http/env.ts';
import { DEFAULT_LIMITS, rateLimit } from '../../shared/http/rate-limits.ts';
import { OrderId } from '../../shared/http/schemas.ts';
import {
  parseHeader,
  parseJsonBody,
  parseOptionalJsonBody,
  parseParam,
  parseQuery,
} from '../../shared/http/validate.ts';
import { listDeliveries } from '../../shared/use-cases/deliver-notification.ts';
import { listAuditLog } from '../../shared/use-cases/list-audit-log.ts';
import { listWebhookIssues } from '../../shared/use-cases/list-webhook-issues.ts';
import { refundOrder } from '../../shared/use-cases/refund-order.ts';
import { setAccountStatus } from '../../shared/use-cases/settle-account.ts';
import type { ApiDeps } from './deps.ts';
import {
  AuditQuery,
  CustomerIdParam,
  DeliveriesQuery,
  IdempotencyKey,
  IssuesQuery,
  ReasonBody,
  RefundBody,
} from './schemas.ts';
import { orderView } from './views.ts';

function orderIdParam(id: string): string {
  if (!v.is(OrderId, id)) throw new AppError('not-found', `no order ${id}`);
  return id;
}

/**
 * Operator endpoints, a sub-app of the api service, by API key: each route names its action, and the permission table
 * (shared/domain/permissions.ts) says which roles may take it. Errors and unknown paths fall through to the api's own
 * handlers.
 */
export function createOperatorApp(deps: ApiDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  // per operator key, counted after the key is known to be valid (guessing keys is what the per-IP limits stop)
  const perKey = rateLimit(
    'per operator key',
    (deps.limits ?? DEFAULT_LIMITS).operatorPerMinute,
    (c) => c.get('operator').keyId,
  );
  const may = (action: OperatorAction) => every(operatorAuth(deps.operatorKeys, action), perKey);
  const actor = (c: Context<AppEnv>): Actor => ({ ...c.get('operator'), requestId: c.get('requestId') });

  app.post('/v1/orders/:id/refunds', may('refunds.create'), async (c) => {
    const orderId = orderIdParam(c.req.param('id'));
    const idempotencyKey = parseHeader(c, 'Idempotency-Key', IdempotencyKey);
    const body = await parseJsonBody(c, RefundBody);
    const { order, refund, created } = await refundOrder(
      orderId,
      { ...(body.amount !== undefined ? { amount: body.amount } : {}), reason: body.reason, idempotencyKey },
      actor(c),
      { ...deps, logger: c.get('logger') },
    );
    if (!created) c.header('idempotent-replayed', 'true');
    return c.json({ refund, order: orderView(order) }, 201);
  });

  app.get('/v1/ops/orders/:id', may('orders.read'), async (c) => {
    const order = await deps.orders.get(orderIdParam(c.req.param('id')));
    if (!order) throw new AppError('not-found', 'no such order');
    return c.json({ ...orderView(order), customerId: order.customerId });
  });

  app.get('/v1/ops/deliveries', may('deliveries.read'), async (c) => {
    const q = parseQuery(c, DeliveriesQuery);
    return c.json({
      items: await listDeliveries({ ...(q.orderId ? { orderId: q.orderId } : {}), limit: q.limit }, deps),
    });
  });

  app.get('/v1/ops/audit', may('audit.read'), async (c) => {
    const q = parseQuery(c, AuditQuery);
    const page = await listAuditLog(
      {
        limit: q.limit,
        ...(q.target ? { target: q.target } : {}),
        ...(q.action ? { action: q.action } : {}),
        ...(q.cursor ? { cursor: q.cursor } : {}),
      },
      deps,
    );
    return c.json({ items: page.items, nextCursor: page.nextCursor });
  });

  app.get('/v1/ops/webhook-issues', may('webhook-issues.read'), async (c) => {
    const q = parseQuery(c, IssuesQuery);
    const page = await listWebhookIssues(q.limit, q.cursor, deps);
    return c.json({ items: page.items, nextCursor: page.nextCursor });
  });

  for (const [path, status, action] of [
    ['close', 'closed', 'accounts.close'],
    ['reopen', 'open', 'accounts.reopen'],
  ] as const) {
    app.post(`/v1/ops/accounts/:customerId/${path}`, may(action), async (c) => {
      const customerId = parseParam(c, 'customerId', CustomerIdParam);
      const body = await parseOptionalJsonBody(c, ReasonBody);
      return c.json(
        await setAccountStatus(customerId, status, actor(c), body?.reason ?? null, {
          ...deps,
          logger: c.get('logger'),
        }),
      );
    });
  }
  return app;
}
