import { AppError } from '../domain/errors.ts';
import type { Deps } from './deps.ts';

/**
 * Refuses a new order (409) when the customer already has `cap` orders open (created or processing): an abuse limit, so a
 * script cannot fill the store and the gateway with unpaid orders. A count, not a listing: no order is read. Checked
 * before the transaction: concurrent creates may pass it together, which makes it a soft cap, and that is enough for
 * its purpose.
 */
export async function checkOpenOrderCap(customerId: string, cap: number, deps: Pick<Deps, 'orders'>): Promise<void> {
  if ((await deps.orders.countOpen(customerId, cap)) >= cap) {
    throw new AppError(
      'invalid-state',
      `you have ${cap} unpaid orders open; pay or let some expire before creating another`,
    );
  }
}
