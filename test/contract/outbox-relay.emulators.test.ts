import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import test from 'ava';
import { FirestoreOrderStore } from '../../shared/adapters/firestore/firestore-order-store.ts';
import { MemoryLogger } from '../../shared/adapters/logging/json-logger.ts';
import { ManualClock } from '../../shared/adapters/memory/clocks.ts';
import { PubSubEventBus } from '../../shared/adapters/pubsub/pubsub-event-bus.ts';
import { ensurePubSubTopology } from '../../shared/adapters/pubsub/pubsub-topology.ts';
import { money } from '../../shared/domain/money.ts';
import { attachGatewayOrder, newOrder } from '../../shared/domain/order.ts';
import type { EventBus } from '../../shared/ports/event-bus.ts';
import { applyGatewayStatus } from '../../shared/use-cases/apply-gateway-status.ts';
import { publishPendingEvents } from '../../shared/use-cases/publish-events.ts';
import { emulatorSuite, uniqueName } from '../support/emulator-test.ts';
import { emulatorEnv } from '../support/emulators.ts';
import { PushReceiver } from '../support/push-receiver.ts';
import { testCipher } from '../support/test-cipher.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * No lost events, on the real parts: the state change and its event commit together in Firestore; Pub/Sub is down
 * at the moment of the publish; the event waits in the outbox and the next sweep delivers it, once.
 */
emulatorSuite('firestore', () => {
  emulatorSuite('pubsub', () => {
    test('outbox: publish fails after the commit → the event stays, the sweep delivers it once', async (t) => {
      const db = new Firestore({ projectId: uniqueName('outbox') });
      const pubsub = new PubSub({ projectId: emulatorEnv().projectId });
      const receiver = new PushReceiver();
      const topic = uniqueName('events');
      await ensurePubSubTopology(pubsub, {
        topics: [topic],
        subscriptions: [
          { name: uniqueName('push'), topic, pushEndpoint: await receiver.listen(), ackDeadlineSeconds: 10 },
        ],
        omitDeadLetterPolicy: true,
      });
      const store = new FirestoreOrderStore(db, testCipher());
      const realBus = new PubSubEventBus(pubsub, { topics: { 'payment-events': topic } });
      let down = true;
      const bus: EventBus = {
        publish: (name, message) =>
          down ? Promise.reject(new Error('UNAVAILABLE (injected)')) : realBus.publish(name, message),
      };
      const clock = new ManualClock();
      const logger = new MemoryLogger();
      const { order } = newOrder({
        id: uniqueName('ord'),
        customerId: 'c1',
        amount: money(49_900, 'INR'),
        gateway: 'razorpay',
        now: clock.now(),
      });
      await store.create(order, { customerId: 'c1', key: 'k', fingerprint: 'f' }, []);
      await store.update(order.id, (o) => ({
        order: attachGatewayOrder(o, { gatewayOrderId: 'order_X', keyId: 'k', checkoutUrl: null }, clock.now())!,
        events: [],
      }));

      const applied = await applyGatewayStatus(
        order.id,
        { status: 'succeeded', source: 'webhook', paymentId: 'pay_1', paid: money(49_900, 'INR') },
        { orders: store, outbox: store, bus, clock, logger },
      );
      t.is(applied.order?.status, 'succeeded', 'the state change committed');
      t.deepEqual(
        (await store.pending(10)).map((e) => e.event.type),
        ['payment.succeeded'],
        'its event waits in the outbox',
      );
      t.true(logger.lines.some((l) => l.message.startsWith('event publish failed')));

      down = false;
      t.deepEqual(await publishPendingEvents({ outbox: store, bus, logger }), { published: 1, failed: 0 });
      t.deepEqual(await publishPendingEvents({ outbox: store, bus, logger }), { published: 0, failed: 0 });
      const deadline = Date.now() + 15_000;
      while (receiver.pushes.length === 0 && Date.now() < deadline) await sleep(50);
      await sleep(500);
      t.is(receiver.pushes.length, 1, 'delivered once');
      t.is((receiver.pushes[0]?.data as { type: string } | undefined)?.type, 'payment.succeeded');
      t.is(receiver.pushes[0]?.attributes.eventId, `${order.id}:payment.succeeded`);
      await realBus.close();
      await pubsub.close();
      await receiver.close();
      await db.terminate();
    });
  });
});
