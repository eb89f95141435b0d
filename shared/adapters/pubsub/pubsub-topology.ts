import type { CreateSubscriptionOptions, PubSub } from '@google-cloud/pubsub';

export interface PushSubscriptionSpec {
  readonly name: string;
  readonly topic: string;
  readonly pushEndpoint: string;
  /** Topic that receives messages after `maxDeliveryAttempts` failed pushes; created if missing. */
  readonly deadLetterTopic?: string;
  /** 5..100; Pub/Sub's default is 5. Only meaningful with a dead-letter topic. */
  readonly maxDeliveryAttempts?: number;
  /** 10..600 seconds: how long Pub/Sub waits for the push endpoint's answer. */
  readonly ackDeadlineSeconds?: number;
  /** Service account whose OIDC token Pub/Sub attaches to each push (the endpoint verifies it). */
  readonly oidcServiceAccount?: string;
  /** The token's audience; defaults (in Pub/Sub) to the push endpoint URL. */
  readonly audience?: string;
  /** A subscription filter (on attributes): what it does not match is acknowledged by Pub/Sub, never pushed. */
  readonly filter?: string;
}

export interface PubSubTopology {
  readonly topics: readonly string[];
  readonly subscriptions: readonly PushSubscriptionSpec[];
  /**
   * Leave dead-letter policies off the subscriptions (dead-letter topics are still created). For the emulator only:
   * its dead-letter handling does not behave like Pub/Sub's (and misbehaved together with ordering keys), so
   * local runs and tests must not rely on it. Real Pub/Sub additionally needs the Pub/Sub service agent
   * (service-<project number>@gcp-sa-pubsub.iam.gserviceaccount.com) to be publisher on the dead-letter topic and
   * subscriber on the subscription; the infra scripts grant that.
   */
  readonly omitDeadLetterPolicy?: boolean;
}

export interface TopologyResult {
  readonly createdTopics: readonly string[];
  readonly createdSubscriptions: readonly string[];
}

const ALREADY_EXISTS = 6;

function isAlreadyExists(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === ALREADY_EXISTS;
}

/**
 * Creates the topics, dead-letter topics and push subscriptions that are missing; what exists is kept (running it
 * twice is harmless). An existing subscription gets its push config re-applied, so a local stack whose endpoint
 * moved (new port) keeps receiving; other settings of an existing subscription are not touched.
 */
export async function ensurePubSubTopology(pubsub: PubSub, topology: PubSubTopology): Promise<TopologyResult> {
  const createdSubscriptions: string[] = [];
  const topicNames = new Set([
    ...topology.topics,
    ...topology.subscriptions.map((s) => s.topic),
    ...topology.subscriptions.flatMap((s) => (s.deadLetterTopic ? [s.deadLetterTopic] : [])),
  ]);
  const created = await Promise.all(
    [...topicNames].map(async (name) => {
      try {
        await pubsub.createTopic(name);
        return name;
      } catch (error) {
        if (!isAlreadyExists(error)) throw error;
        return null;
      }
    }),
  );
  const createdTopics = created.filter((name) => name !== null);
  for (const spec of topology.subscriptions) {
    const pushConfig = {
      pushEndpoint: spec.pushEndpoint,
      ...(spec.oidcServiceAccount
        ? {
            oidcToken: {
              serviceAccountEmail: spec.oidcServiceAccount,
              ...(spec.audience ? { audience: spec.audience } : {}),
            },
          }
        : {}),
    };
    const options: CreateSubscriptionOptions = {
      pushConfig,
      ...(spec.ackDeadlineSeconds !== undefined ? { ackDeadlineSeconds: spec.ackDeadlineSeconds } : {}),
      ...(spec.filter ? { filter: spec.filter } : {}),
      ...(spec.deadLetterTopic && !topology.omitDeadLetterPolicy
        ? {
            deadLetterPolicy: {
              deadLetterTopic: pubsub.topic(spec.deadLetterTopic).name,
              maxDeliveryAttempts: spec.maxDeliveryAttempts ?? 5,
            },
          }
        : {}),
    };
    try {
      await pubsub.createSubscription(spec.topic, spec.name, options);
      createdSubscriptions.push(spec.name);
    } catch (error) {
      if (!isAlreadyExists(error)) throw error;
      await pubsub.subscription(spec.name).modifyPushConfig(pushConfig);
    }
  }
  return { createdTopics, createdSubscriptions };
}
