import type { Deps } from './deps.ts';

/**
 * The outbox relay: publishes events committed with their state change. Called right after each commit and by a
 * periodic sweep, so an event whose publish failed (or whose process died after the commit) still goes out.
 * Consumers see it once because they deduplicate by event id; publishing twice is harmless, losing one is not.
 */
export async function publishPendingEvents(
  deps: Pick<Deps, 'outbox' | 'bus' | 'logger'>,
  limit = 100,
): Promise<{ published: number; failed: number }> {
  const entries = await deps.outbox.pending(limit);
  const done: string[] = [];
  let failed = 0;
  for (const { event } of entries) {
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
