import type { TopicName } from '../domain/events.ts';

export interface BusMessage {
  /** JSON-serialisable payload; adapters encode it (Pub/Sub: base64 JSON in `message.data`). */
  readonly data: unknown;
  readonly attributes: Readonly<Record<string, string>>;
  /** Messages with the same key are delivered in order where the transport supports it (Pub/Sub ordering keys). */
  readonly orderingKey?: string;
}

export interface EventBus {
  /** Resolves once the transport has accepted the message; rejects otherwise, so the outbox keeps it. */
  publish(topic: TopicName, message: BusMessage): Promise<string>;
}
