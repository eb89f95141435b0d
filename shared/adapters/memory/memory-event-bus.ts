import type { TopicName } from '../../domain/events.ts';
import type { Clock } from '../../ports/clock.ts';
import type { BusMessage, EventBus } from '../../ports/event-bus.ts';
import { appendBounded } from './bounded-history.ts';
import { DeliveryLoop, type Dispatch, type PendingDelivery, Pumped, type RetryPolicy } from './delivery-loop.ts';
import { inProcessRequest } from './in-process-http.ts';

export interface PushSubscription {
  readonly name: string;
  readonly topic: TopicName;
  readonly pushUrl: string;
  readonly dispatch: Dispatch;
  /** As a Pub/Sub subscription filter on the `eventType` attribute: only these are pushed (absent: all). */
  readonly eventTypes?: readonly string[] | null;
}

interface Delivery {
  readonly subscription: PushSubscription;
  readonly messageId: string;
  readonly message: BusMessage;
  readonly publishTime: string;
}

export interface MemoryEventBusOptions {
  readonly clock: Clock;
  readonly project?: string;
  readonly retry?: RetryPolicy;
  readonly token?: (audience: string) => Promise<string>;
  readonly audience?: string;
  /** For simulations: the chance (0..1) that a delivery is sent twice, as Pub/Sub's at-least-once may do. */
  readonly duplicateRate?: number;
  readonly random?: () => number;
}

/**
 * Pub/Sub in memory, push subscriptions only: each message reaches each subscriber as Pub/Sub's push envelope
 * (`message.data` base64 JSON, `attributes`, `messageId`, `publishTime`), redelivered on a non-2xx and
 * dead-lettered after the retry policy's attempts.
 */
export class MemoryEventBus extends Pumped<Delivery> implements EventBus {
  private readonly subscriptions: PushSubscription[] = [];
  protected readonly loop: DeliveryLoop<Delivery>;
  private sequence = 0;
  private failures = 0;
  readonly deadLetters: { subscription: string; messageId: string; message: BusMessage }[] = [];
  /** What was published, newest last (the newest HISTORY_LIMIT to twice that: see appendBounded). */
  readonly published: { topic: TopicName; messageId: string; message: BusMessage }[] = [];

  constructor(private readonly options: MemoryEventBusOptions) {
    super();
    this.loop = new DeliveryLoop(
      options.clock,
      options.retry ?? { minBackoffMs: 100, maxBackoffMs: 60_000, maxAttempts: 5 },
      (d) => this.push(d),
      (d) =>
        this.deadLetters.push({
          subscription: d.item.subscription.name,
          messageId: d.item.messageId,
          message: d.item.message,
        }),
    );
  }

  subscribe(subscription: PushSubscription): void {
    this.subscriptions.push(subscription);
  }

  /** Fault injection: the next `count` publishes reject, as when Pub/Sub is unreachable after a commit. */
  failNextPublishes(count: number): void {
    this.failures = count;
  }

  async publish(topic: TopicName, message: BusMessage): Promise<string> {
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('publish failed (injected)');
    }
    const messageId = String(++this.sequence);
    const now = this.options.clock.now();
    appendBounded(this.published, { topic, messageId, message: structuredClone(message) });
    const type = message.attributes?.eventType;
    for (const subscription of this.subscriptions.filter(
      (s) => s.topic === topic && (!s.eventTypes || (type !== undefined && s.eventTypes.includes(type))),
    )) {
      const copies =
        this.options.duplicateRate && (this.options.random ?? Math.random)() < this.options.duplicateRate ? 2 : 1;
      for (let copy = 0; copy < copies; copy++) {
        this.loop.add(
          `${subscription.name}/${messageId}/${copy}`,
          { subscription, messageId, message: structuredClone(message), publishTime: now.toISOString() },
          now.getTime(),
        );
      }
    }
    return messageId;
  }

  get pendingCount(): number {
    return this.loop.size;
  }

  private async push(d: PendingDelivery<Delivery>): Promise<boolean> {
    const { subscription, messageId, message, publishTime } = d.item;
    const envelope = {
      message: {
        data: Buffer.from(JSON.stringify(message.data)).toString('base64'),
        attributes: message.attributes,
        messageId,
        message_id: messageId,
        publishTime,
        publish_time: publishTime,
        ...(message.orderingKey ? { orderingKey: message.orderingKey } : {}),
      },
      subscription: `projects/${this.options.project ?? 'local'}/subscriptions/${subscription.name}`,
      deliveryAttempt: d.attempts + 1,
    };
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.token) {
      headers.authorization = `Bearer ${await this.options.token(this.options.audience ?? subscription.pushUrl)}`;
    }
    const body = JSON.stringify(envelope);
    // in process: an answer left unread holds no socket, and reading `body` would build a stream just to cancel it
    const response = await subscription.dispatch(
      inProcessRequest(subscription.pushUrl, { method: 'POST', headers, body }),
    );
    return response.ok;
  }
}
