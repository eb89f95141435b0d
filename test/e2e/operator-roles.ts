import type { ExecutionContext } from 'ava';
import { OPERATOR_PERMISSIONS, type OperatorAction } from '../../shared/domain/permissions.ts';
import { client, type Harness, operator } from './harness.ts';

/** Every operator route, the action it takes (shared/domain/permissions.ts), and a request to it. */
export function operatorRoutes(orderId: string, customerId: string) {
  const routes: {
    action: OperatorAction;
    method: string;
    path: string;
    body?: unknown;
    headers?: Record<string, string>;
  }[] = [
    { action: 'orders.read', method: 'GET', path: `/v1/ops/orders/${orderId}` },
    { action: 'deliveries.read', method: 'GET', path: '/v1/ops/deliveries' },
    { action: 'audit.read', method: 'GET', path: '/v1/ops/audit' },
    { action: 'webhook-issues.read', method: 'GET', path: '/v1/ops/webhook-issues' },
    {
      action: 'refunds.create',
      method: 'POST',
      path: `/v1/orders/${orderId}/refunds`,
      body: { amount: 100, reason: 'role walk' },
      headers: { 'idempotency-key': `roles-${orderId}` },
    },
    {
      action: 'accounts.close',
      method: 'POST',
      path: `/v1/ops/accounts/${customerId}/close`,
      body: { reason: 'walk' },
    },
    {
      action: 'accounts.reopen',
      method: 'POST',
      path: `/v1/ops/accounts/${customerId}/reopen`,
      body: { reason: 'walk' },
    },
  ];
  return routes;
}

/**
 * Walks every operator route with no key, a wrong key, a customer's token and each role, and asserts the permission
 * table: 401 without a valid key, 403 for a role the table does not list, success for one it does.
 */
export async function walkOperatorRoles(
  h: Harness,
  t: ExecutionContext,
  keys: Readonly<Record<'support' | 'finance', string>>,
  paidOrderId: string,
  customerId: string,
): Promise<number> {
  const c = await client(h, customerId);
  let checked = 0;
  for (const route of operatorRoutes(paidOrderId, customerId)) {
    const send = (headers: Record<string, string>) =>
      h.fetch(route.path, {
        method: route.method,
        headers: { ...(route.body ? { 'content-type': 'application/json' } : {}), ...route.headers, ...headers },
        ...(route.body ? { body: JSON.stringify(route.body) } : {}),
      });
    t.is((await send({})).status, 401, `${route.path}: no key`);
    t.is((await send({ 'x-api-key': 'not-a-key-of-anyone-at-all' })).status, 401, `${route.path}: wrong key`);
    const asCustomer = await c.call(route.method, route.path, route.body, route.headers);
    t.is(asCustomer.status, 401, `${route.path}: a customer's token is no operator key`);
    for (const role of ['support', 'finance'] as const) {
      const allowed = (OPERATOR_PERMISSIONS[route.action] as readonly string[]).includes(role);
      const res = await operator(h, route.method, route.path, route.body, route.headers ?? {}, keys[role]);
      if (allowed) t.true(res.status >= 200 && res.status < 300, `${route.path} as ${role}: ${res.status}`);
      else t.is(res.status, 403, `${route.path} as ${role}`);
      checked += 1;
    }
  }
  return checked;
}
