import { decodeCursor } from '../domain/cursor.ts';
import { AppError } from '../domain/errors.ts';
import type { Order } from '../domain/payment-types.ts';
import type { OrderQuery, Page } from '../ports/order-store.ts';
import type { Deps } from './deps.ts';

/** Another customer's order is "not found", never "forbidden": its existence is not theirs to learn. */
export async function getCustomerOrder(
  customerId: string,
  orderId: string,
  deps: Pick<Deps, 'orders'>,
): Promise<Order> {
  const order = await deps.orders.get(orderId);
  if (!order || order.customerId !== customerId) throw new AppError('not-found', `no order ${orderId}`);
  return order;
}

export function listCustomerOrders(query: OrderQuery, deps: Pick<Deps, 'orders'>): Promise<Page<Order>> {
  assertCursor(query.cursor);
  return deps.orders.list(query);
}

export function assertCursor(cursor: string | undefined): void {
  if (cursor !== undefined && decodeCursor(cursor) === null) {
    throw new AppError('validation', 'cursor is not one this API returned', [{ path: 'cursor', message: 'invalid' }]);
  }
}
