import type { PaymentEvent } from '../domain/events.ts';
import type { Deps } from './deps.ts';

type RelayDeps = Pick<Deps, 'outbox' | 'bus' | 'logger'>;

/**
 * Publishes events and takes them out of the outbox; an event whose publish fails stays there for the sweep.
 * Consumers see each event once because they deduplicate by event id: publishing twice is harmless, losing one is not.
 */
async function publish(
  events: readonly PaymentEvent[],
  deps: RelayDeps,
): Promise<{ published: number; failed: number }> {
  const done: string[] = [];
  let failed = 0;
  for (const event of events) {
    try {
      await deps.bus.publish('payment-events', {
        data: event,
        attributes: { eventId: event.id, eventType: event.type, orderId: event.orderId },
        orderingKey: event.orderId,
      });
      done.push(event.id);
    } catch (error) {
      failed += 1;
      deps.logger.log('WARNING', 'event publish failed; kept in the outbox for the next sweep', {
        eventId: event.id,
        error,
      });
    }
  }
  if (done.length > 0) await deps.outbox.markPublished(done);
  return { published: done.length, failed };
}

/** Right after a commit: publishes that commit's own events (not everyone's, so concurrent requests do not race). */
export function relayEvents(
  events: readonly PaymentEvent[],
  deps: RelayDeps,
): Promise<{ published: number; failed: number }> {
  return publish(events, deps);
}

/**
 * The outbox sweep (Cloud Scheduler, every minute): publishes whatever a failed publish or a process that died
 * between commit and publish left behind.
 */
export async function publishPendingEvents(
  deps: RelayDeps,
  limit = 100,
): Promise<{ published: number; failed: number }> {
  const entries = await deps.outbox.pending(limit);
  return publish(
    entries.map((e) => e.event),
    deps,
  );
}
