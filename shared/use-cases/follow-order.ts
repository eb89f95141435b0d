import { isTerminal } from '../domain/order.ts';
import type { Order, PaymentStatus, TimelineEntry } from '../domain/payment-types.ts';
import { getCustomerOrder } from './customer-orders.ts';
import type { Deps } from './deps.ts';

/** One step of an order's life as its live stream tells it; `id` is the timeline entry's index. */
export interface OrderStreamEvent {
  readonly id: number;
  readonly orderId: string;
  /** The order's status once this entry happened. */
  readonly status: PaymentStatus;
  readonly entry: TimelineEntry;
}

/** The events a client that saw up to `after` has not seen; with no `after`, only the current status. */
export function eventsSince(order: Order, after: number | null): OrderStreamEvent[] {
  const events: OrderStreamEvent[] = [];
  let status: PaymentStatus = 'created';
  order.timeline.forEach((entry, id) => {
    // late successes and mismatches record money, not a status change
    if (entry.kind === 'transition') status = entry.to;
    events.push({ id, orderId: order.id, status, entry });
  });
  if (after === null) return events.slice(-1);
  return events.filter((e) => e.id > after);
}

/** True once the client has been told a final status: the stream then ends. */
export function endsStream(events: readonly OrderStreamEvent[]): boolean {
  const last = events.at(-1);
  return last !== undefined && isTerminal(last.status);
}

export interface OrderFollow {
  /** What to send at once: the current status, or on resume what the client missed. */
  readonly initial: readonly OrderStreamEvent[];
  /** True when the client already knows the final status: nothing will follow. */
  readonly finished: boolean;
  /** The events after `initial`, as the order changes, until a final status or until `signal` aborts. */
  follow(signal: AbortSignal): AsyncGenerator<OrderStreamEvent>;
}

/**
 * A customer's live view of one order (another customer's order is "not found"). The change feed tells us the order
 * after each commit; we tell the client each timeline entry it has not seen, so a resumed stream (`after`, from
 * Last-Event-ID) misses nothing, however many commits happened while it was away.
 */
export async function followCustomerOrder(
  customerId: string,
  orderId: string,
  after: number | null,
  deps: Pick<Deps, 'orders' | 'orderChanges'>,
): Promise<OrderFollow> {
  const order = await getCustomerOrder(customerId, orderId, deps);
  const initial = eventsSince(order, after);
  const seen = initial.at(-1)?.id ?? after ?? -1;
  const finished = initial.length === 0 ? isTerminal(order.status) : endsStream(initial);
  return {
    initial,
    finished,
    async *follow(signal) {
      if (finished) return;
      let last = seen;
      let latest: Order | null = null;
      let failure: Error | null = null;
      let wake: (() => void) | null = null;
      const unsubscribe = deps.orderChanges.watch(
        orderId,
        (changed) => {
          // only the newest state matters: its timeline holds every step before it
          if (!latest || changed.timeline.length >= latest.timeline.length) latest = changed;
          wake?.();
        },
        (error) => {
          failure = error;
          wake?.();
        },
      );
      const onAbort = () => wake?.();
      signal.addEventListener('abort', onAbort);
      try {
        while (!signal.aborted) {
          if (failure) throw failure;
          const next: Order | null = latest;
          latest = null;
          if (!next) {
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            wake = null;
            continue;
          }
          const events = eventsSince(next, last);
          for (const event of events) {
            yield event;
            last = event.id;
          }
          if (endsStream(events)) return;
        }
      } finally {
        unsubscribe();
        signal.removeEventListener('abort', onAbort);
      }
    },
  };
}
