import { PubSub } from '@google-cloud/pubsub';
import test from 'ava';
import { PubSubEventBus } from '../../shared/adapters/pubsub/pubsub-event-bus.ts';
import { ensurePubSubTopology } from '../../shared/adapters/pubsub/pubsub-topology.ts';
import { emulatorSuite, uniqueName } from '../support/emulator-test.ts';
import { emulatorEnv } from '../support/emulators.ts';
import { PushReceiver, type ReceivedPush } from '../support/push-receiver.ts';
import { eventBusContract } from './event-bus.contract.ts';

async function waitFor(what: string, done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

emulatorSuite('pubsub', () => {
  // PUBSUB_EMULATOR_HOST points the client at the emulator; topic and subscription names are unique per test.
  const pubsub = new PubSub({ projectId: emulatorEnv().projectId });
  test.after.always(() => pubsub.close());

  eventBusContract(test, async () => {
    const receiver = new PushReceiver();
    const endpoint = await receiver.listen();
    const topic = uniqueName('events');
    const subscription = uniqueName('push');
    await ensurePubSubTopology(pubsub, {
      topics: [topic],
      subscriptions: [
        {
          name: subscription,
          topic,
          pushEndpoint: endpoint,
          ackDeadlineSeconds: 10,
          deadLetterTopic: `${topic}-dead`,
          maxDeliveryAttempts: 5,
        },
      ],
      omitDeadLetterPolicy: true,
    });
    const bus = new PubSubEventBus(pubsub, { topics: { 'payment-events': topic } });
    return {
      bus,
      receiver,
      until: (done: (pushes: readonly ReceivedPush[]) => boolean, timeoutMs = 20_000) =>
        waitFor('pushes', () => done(receiver.pushes), timeoutMs),
      async close() {
        await bus.close();
        await pubsub.subscription(subscription).delete();
        await receiver.close();
      },
    };
  });

  test('publish: a failed publish rejects, and its ordering key still publishes afterwards', async (t) => {
    const topic = uniqueName('events');
    const bus = new PubSubEventBus(pubsub, { topics: { 'payment-events': topic } });
    const message = { data: { n: 1 }, attributes: {}, orderingKey: 'ord_1' };
    try {
      // the topic does not exist yet: NOT_FOUND, which the outbox sweep would retry later
      await t.throwsAsync(bus.publish('payment-events', message));
      await ensurePubSubTopology(pubsub, { topics: [topic], subscriptions: [] });
      // the key must not stay paused (the bus calls resumePublishing; client 5.x also drops an emptied key queue)
      t.regex(await bus.publish('payment-events', message), /.+/);
    } finally {
      await bus.close();
    }
  });

  test('topology: running ensurePubSubTopology again is harmless and moves the push endpoint', async (t) => {
    const first = new PushReceiver();
    const second = new PushReceiver();
    const topic = uniqueName('events');
    const name = uniqueName('push');
    const spec = { name, topic, ackDeadlineSeconds: 10, deadLetterTopic: `${topic}-dead` };
    try {
      const created = await ensurePubSubTopology(pubsub, {
        topics: [topic],
        subscriptions: [{ ...spec, pushEndpoint: await first.listen() }],
        omitDeadLetterPolicy: true,
      });
      t.deepEqual(created.createdTopics, [topic, `${topic}-dead`]);
      t.deepEqual(created.createdSubscriptions, [name]);
      const again = await ensurePubSubTopology(pubsub, {
        topics: [topic],
        subscriptions: [{ ...spec, pushEndpoint: await second.listen() }],
        omitDeadLetterPolicy: true,
      });
      t.deepEqual(again, { createdTopics: [], createdSubscriptions: [] });
      const bus = new PubSubEventBus(pubsub, { topics: { 'payment-events': topic } });
      const messageId = await bus.publish('payment-events', { data: { moved: true }, attributes: {} });
      await bus.close();
      await waitFor('a push to the new endpoint', () => second.pushes.length > 0, 20_000);
      t.is(second.pushes[0]!.messageId, messageId);
      t.is(first.pushes.length, 0);
    } finally {
      await pubsub.subscription(name).delete();
      await Promise.all([first.close(), second.close()]);
    }
  });

  test('topology: the dead-letter policy is set on the subscription unless omitted', async (t) => {
    const topic = uniqueName('events');
    const withPolicy = uniqueName('push');
    const without = uniqueName('push');
    const sub = (name: string) => ({
      name,
      topic,
      pushEndpoint: 'http://127.0.0.1:9/unused',
      deadLetterTopic: `${topic}-dead`,
      maxDeliveryAttempts: 7,
    });
    try {
      await ensurePubSubTopology(pubsub, { topics: [topic], subscriptions: [sub(withPolicy)] });
      await ensurePubSubTopology(pubsub, { topics: [], subscriptions: [sub(without)], omitDeadLetterPolicy: true });
      const [set] = await pubsub.subscription(withPolicy).getMetadata();
      t.is(set.deadLetterPolicy?.deadLetterTopic, `projects/${emulatorEnv().projectId}/topics/${topic}-dead`);
      t.is(set.deadLetterPolicy?.maxDeliveryAttempts, 7);
      t.is(set.pushConfig?.pushEndpoint, 'http://127.0.0.1:9/unused');
      const [unset] = await pubsub.subscription(without).getMetadata();
      t.falsy(unset.deadLetterPolicy);
    } finally {
      await Promise.all([pubsub.subscription(withPolicy).delete(), pubsub.subscription(without).delete()]);
    }
  });
});
