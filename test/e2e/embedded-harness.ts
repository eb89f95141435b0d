import { createEmbeddedStack, type EmbeddedOptions, type EmbeddedStack } from '../../services/embedded/stack.ts';
import { MemoryLogger } from '../../shared/adapters/logging/json-logger.ts';
import { ManualClock } from '../../shared/adapters/memory/clocks.ts';
import { type Harness, pushEnvelope } from './harness.ts';

export const BASE = 'http://payments.test';

/** The embedded stack on a manual clock: a 15-minute interval passes in no time, and everything runs in process. */
export async function embeddedHarness(
  options: Partial<EmbeddedOptions> = {},
): Promise<Harness & { stack: EmbeddedStack; clock: ManualClock; logger: MemoryLogger }> {
  const clock = new ManualClock('2026-03-01T10:00:00.000Z');
  const logger = new MemoryLogger();
  const intervalSeconds = options.statusCheckIntervalSeconds ?? 900;
  const maxAgeSeconds = options.paymentMaxAgeSeconds ?? 3600;
  const stack = await createEmbeddedStack({
    baseUrl: BASE,
    clock,
    logger,
    refundAutoSettleMs: 0,
    ...options,
    statusCheckIntervalSeconds: intervalSeconds,
    paymentMaxAgeSeconds: maxAgeSeconds,
  });
  return {
    stack,
    clock,
    logger,
    intervalSeconds,
    maxAgeSeconds,
    razorpay: stack.razorpay,
    operatorKey: stack.operatorKey ?? '',
    async replayEvents(times) {
      const token = await stack.issuer.pushToken();
      let pushed = 0;
      for (const { message, messageId } of [...stack.bus.published]) {
        for (const name of ['notifier', 'fulfillment', 'refunds']) {
          await Promise.all(
            Array.from({ length: times }, async () => {
              const res = await stack.fetch(
                new Request(`${BASE}/pubsub/${name}/payment-events`, {
                  method: 'POST',
                  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
                  body: pushEnvelope(message.data as { id: string; type: string; orderId: string }, messageId),
                }),
              );
              if (!res.ok) throw new Error(`replay to ${name} → ${res.status}: ${await res.text()}`);
              pushed += 1;
            }),
          );
        }
      }
      await stack.drain();
      return pushed;
    },
    async pushEvent(event) {
      const token = await stack.issuer.pushToken();
      for (const name of ['notifier', 'fulfillment', 'refunds']) {
        const res = await stack.fetch(
          new Request(`${BASE}/pubsub/${name}/payment-events`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: pushEnvelope(event, `forged-${event.id}`),
          }),
        );
        if (!res.ok) throw new Error(`push to ${name} → ${res.status}: ${await res.text()}`);
      }
      await stack.drain();
    },
    fetch: (path, init) => stack.fetch(new Request(new URL(path, BASE), init)),
    settle: () => stack.drain(),
    async passInterval() {
      clock.advance(intervalSeconds * 1000);
      await stack.drain();
    },
    close: () => stack.stop(),
  };
}
