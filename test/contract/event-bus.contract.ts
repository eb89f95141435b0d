import type { TestFn } from 'ava';
import type { EventBus } from '../../shared/ports/event-bus.ts';
import type { PushReceiver, ReceivedPush } from '../support/push-receiver.ts';

/** A bus wired to one push subscription on `payment-events` whose endpoint is `receiver`. */
export interface BusUnderTest {
  readonly bus: EventBus;
  readonly receiver: PushReceiver;
  /** Resolves once `done(pushes)` holds, driving delivery where the bus needs driving; rejects after `timeoutMs`. */
  until(done: (pushes: readonly ReceivedPush[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** The promises every EventBus makes to push subscribers. `makeBus` returns a fresh topic and subscription per call. */
export function eventBusContract(test: TestFn, makeBus: () => Promise<BusUnderTest>): void {
  const event = {
    id: 'ord_1:payment.succeeded',
    type: 'payment.succeeded',
    orderId: 'ord_1',
    amount: { amount: 49_900, currency: 'INR' },
    paymentId: null,
    notes: { text: 'ünïcødé ₹ 🙂', empty: '' },
    list: [1, 2.5, true, null],
  };
  const attributes = { eventId: 'ord_1:payment.succeeded', eventType: 'payment.succeeded' };

  async function withBus(run: (b: BusUnderTest) => Promise<void>): Promise<void> {
    const b = await makeBus();
    try {
      await run(b);
    } finally {
      await b.close();
    }
  }

  test('publish: resolves to a message id; the push carries that id, the JSON data and the attributes', async (t) => {
    await withBus(async ({ bus, receiver, until }) => {
      const messageId = await bus.publish('payment-events', { data: event, attributes });
      t.is(typeof messageId, 'string');
      t.true(messageId.length > 0);
      await until((pushes) => pushes.length >= 1);
      const push = receiver.pushes[0]!;
      t.is(push.messageId, messageId);
      t.deepEqual(push.data, event);
      t.like(push.attributes, attributes);
      t.deepEqual(receiver.malformed, []);
    });
  });

  test('publish: several messages each arrive once acknowledged, with distinct message ids', async (t) => {
    await withBus(async ({ bus, receiver, until }) => {
      const ids = await Promise.all(
        [1, 2, 3].map((n) => bus.publish('payment-events', { data: { n }, attributes: { eventId: `e${n}` } })),
      );
      t.is(new Set(ids).size, 3);
      await until((pushes) => pushes.length >= 3);
      t.deepEqual(receiver.pushes.map((p) => p.messageId).sort(), [...ids].sort());
      t.deepEqual(receiver.pushes.map((p) => (p.data as { n: number }).n).sort(), [1, 2, 3]);
    });
  });

  test('push: a non-2xx answer → the same message is delivered again', async (t) => {
    await withBus(async ({ bus, receiver, until }) => {
      let failures = 0;
      receiver.answer = () => (failures++ === 0 ? 500 : 204);
      const messageId = await bus.publish('payment-events', { data: event, attributes });
      await until((pushes) => pushes.length >= 2);
      const [first, second] = receiver.pushes;
      t.is(first!.messageId, messageId);
      t.is(second!.messageId, messageId);
      t.deepEqual(second!.data, event);
      t.like(second!.attributes, attributes);
    });
  });

  test('publish: a message with an ordering key is accepted and delivered', async (t) => {
    // Only acceptance and delivery: the emulator does not honour ordering faithfully, so order is not asserted.
    await withBus(async ({ bus, receiver, until }) => {
      const messageId = await bus.publish('payment-events', { data: event, attributes, orderingKey: 'ord_1' });
      await until((pushes) => pushes.length >= 1);
      t.is(receiver.pushes[0]!.messageId, messageId);
      t.deepEqual(receiver.pushes[0]!.data, event);
    });
  });
}
