import type { PubSub, Topic } from '@google-cloud/pubsub';
import type { TopicName } from '../../domain/events.ts';
import type { BusMessage, EventBus } from '../../ports/event-bus.ts';

export interface PubSubEventBusOptions {
  /** The Pub/Sub topic id each logical topic maps to (config: PAYMENT_EVENTS_TOPIC). */
  readonly topics: Readonly<Record<TopicName, string>>;
}

/**
 * Publishes to Pub/Sub: `data` is the JSON of `message.data`, attributes pass through unchanged (callers put the
 * event id and type there, so subscribers can route and dedupe without parsing), and `orderingKey` is set when
 * given. Publishers are created with `messageOrdering: true`, which makes the client hold back a key's later messages
 * after a failed publish; `publish` therefore calls `resumePublishing(key)` on failure so the key is not stuck and
 * the outbox's next sweep can retry. Ordering is best effort for consumers: they must tolerate reordering anyway
 * (redeliveries), and the emulator does not honour ordering keys faithfully.
 */
export class PubSubEventBus implements EventBus {
  private readonly cache = new Map<TopicName, Topic>();

  constructor(
    private readonly pubsub: PubSub,
    private readonly options: PubSubEventBusOptions,
  ) {}

  async publish(topic: TopicName, message: BusMessage): Promise<string> {
    const publisher = this.topic(topic);
    try {
      return await publisher.publishMessage({
        data: Buffer.from(JSON.stringify(message.data)),
        attributes: { ...message.attributes },
        ...(message.orderingKey ? { orderingKey: message.orderingKey } : {}),
      });
    } catch (error) {
      if (message.orderingKey) publisher.resumePublishing(message.orderingKey);
      throw error;
    }
  }

  /** Sends what is batched and releases the publishers (call on shutdown). */
  async close(): Promise<void> {
    const topics = [...this.cache.values()];
    this.cache.clear();
    await Promise.all(topics.map((t) => t.flush()));
  }

  private topic(name: TopicName): Topic {
    let topic = this.cache.get(name);
    if (!topic) {
      topic = this.pubsub.topic(this.options.topics[name], { messageOrdering: true });
      this.cache.set(name, topic);
    }
    return topic;
  }
}
