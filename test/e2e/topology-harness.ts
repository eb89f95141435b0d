import type { Topology } from '../../infra/local/topology.ts';
import { type Harness, pushEnvelope } from './harness.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const SUBSCRIBERS = ['notifier', 'fulfillment', 'refunds'] as const;

/** An event as the topology published it, seen through an extra pull subscription (to push it again). */
export interface SeenEvent {
  readonly data: { id: string; type: string; orderId: string };
  readonly messageId: string;
}

/**
 * The scenario harness on a running emulator topology. Time is real there, so settling is a pause and an interval is
 * the configured number of seconds; `seen` is where the caller collects the published events that `replayEvents`
 * pushes again.
 */
export function topologyHarness(
  t: Topology,
  options: {
    readonly intervalSeconds: number;
    readonly maxAgeSeconds: number;
    readonly supportKey: string;
    readonly seen: readonly SeenEvent[];
  },
): Harness {
  const push = async (name: string, body: string) => {
    const res = await fetch(`${t.services[name]}/pubsub/payment-events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    if (!res.ok) throw new Error(`push to ${name} → ${res.status}: ${await res.text()}`);
  };
  return {
    operatorKey: t.operatorKey!,
    supportKey: options.supportKey,
    async replayEvents(times) {
      await sleep(1000);
      let pushed = 0;
      for (const { data, messageId } of [...options.seen]) {
        for (const name of SUBSCRIBERS) {
          await Promise.all(
            Array.from({ length: times }, async () => {
              await push(name, pushEnvelope(data, messageId));
              pushed += 1;
            }),
          );
        }
      }
      await sleep(1500);
      return pushed;
    },
    async pushEvent(event) {
      for (const name of SUBSCRIBERS) await push(name, pushEnvelope(event, `forged-${event.id}`));
      await sleep(1500);
    },
    intervalSeconds: options.intervalSeconds,
    maxAgeSeconds: options.maxAgeSeconds,
    razorpay: t.razorpay,
    fetch: (path, init) => fetch(new URL(path, t.baseUrl), init),
    async settle() {
      await t.sandbox.settle();
      await sleep(1500);
    },
    passInterval: () => sleep(options.intervalSeconds * 1000),
    close: async () => undefined,
  };
}
