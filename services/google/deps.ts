import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import { createRemoteJWKSet } from 'jose';
import { AppWebhookChannel } from '../../shared/adapters/channels/app-webhook-channel.ts';
import { FetchWebhookPoster } from '../../shared/adapters/channels/fetch-webhook-poster.ts';
import { LogChannel } from '../../shared/adapters/channels/log-channel.ts';
import {
  CloudTasksTaskQueue,
  createCloudTasksClient,
} from '../../shared/adapters/cloud-tasks/cloud-tasks-task-queue.ts';
import { FirestoreAccountStore } from '../../shared/adapters/firestore/firestore-account-store.ts';
import { FirestoreAttemptCounter } from '../../shared/adapters/firestore/firestore-attempt-counter.ts';
import { FirestoreDeliveryStore } from '../../shared/adapters/firestore/firestore-delivery-store.ts';
import { FirestoreInboxStore } from '../../shared/adapters/firestore/firestore-inbox-store.ts';
import { FirestoreNotificationStore } from '../../shared/adapters/firestore/firestore-notification-store.ts';
import { FirestoreOperatorKeyStore } from '../../shared/adapters/firestore/firestore-operator-keys.ts';
import { FirestoreOrderStore } from '../../shared/adapters/firestore/firestore-order-store.ts';
import { RazorpayGateway } from '../../shared/adapters/gateways/razorpay/razorpay-gateway.ts';
import { SystemClock } from '../../shared/adapters/memory/clocks.ts';
import { RandomIds } from '../../shared/adapters/memory/ids.ts';
import { MemoryOperatorKeyStore } from '../../shared/adapters/memory/memory-operator-keys.ts';
import { PubSubEventBus } from '../../shared/adapters/pubsub/pubsub-event-bus.ts';
import type { Config } from '../../shared/config.ts';
import { jwtVerifier, type TokenVerifier } from '../../shared/http/auth.ts';
import type { Logger } from '../../shared/ports/logger.ts';
import type { OperatorKeyStore } from '../../shared/ports/operator-keys.ts';
import type { Deps } from '../../shared/use-cases/deps.ts';

export interface GoogleDeps extends Deps {
  readonly customerTokens: TokenVerifier;
  readonly pushTokens: TokenVerifier | null;
}

function required<K extends keyof Config>(config: Config, key: K): NonNullable<Config[K]> {
  const value = config[key];
  if (value === undefined || value === null) throw new Error(`${String(key)} is required`);
  return value as NonNullable<Config[K]>;
}

function target(queue: string, url: string) {
  return { queue, targetBaseUrl: url, audience: url };
}

/**
 * The Google Cloud composition: Firestore, Pub/Sub, Cloud Tasks and Razorpay, from configuration alone. The clients
 * honour FIRESTORE_EMULATOR_HOST / PUBSUB_EMULATOR_HOST themselves, and CLOUD_TASKS_EMULATOR_HOST points the Cloud
 * Tasks client at the project's emulator, so the same code runs on emulators and in production.
 */
export function googleDeps(config: Config, logger: Logger): GoogleDeps {
  const projectId = required(config, 'GOOGLE_CLOUD_PROJECT');
  const firestore = new Firestore({ projectId, ignoreUndefinedProperties: true });
  const store = new FirestoreOrderStore(firestore);
  const pubsub = new PubSub({ projectId });
  const tasksClient = createCloudTasksClient(
    config.CLOUD_TASKS_EMULATOR_HOST ? { emulatorHost: config.CLOUD_TASKS_EMULATOR_HOST } : {},
  );
  const tasks = new CloudTasksTaskQueue(tasksClient, {
    project: projectId,
    location: config.TASKS_LOCATION,
    queues: {
      // the audience is the target service's own URL, which is what each service checks its tokens against
      'status-checks': target(config.TASKS_STATUS_QUEUE, required(config, 'STATUS_CHECKER_URL')),
      'refund-checks': target(config.TASKS_REFUND_QUEUE, required(config, 'REFUNDS_URL')),
      'notification-deliveries': target(config.TASKS_DELIVERY_QUEUE, required(config, 'NOTIFIER_URL')),
    },
    ...(config.TASKS_SERVICE_ACCOUNT ? { serviceAccountEmail: config.TASKS_SERVICE_ACCOUNT } : {}),
  });
  const clock = new SystemClock();
  // keys from the environment first, then those provisioned in Firestore; both hold only hashes
  const envKeys = config.OPERATOR_API_KEYS ? MemoryOperatorKeyStore.fromPairs(config.OPERATOR_API_KEYS) : null;
  const storedKeys = new FirestoreOperatorKeyStore(firestore);
  const operatorKeys: OperatorKeyStore = {
    findByHash: async (hash) => (await envKeys?.findByHash(hash)) ?? storedKeys.findByHash(hash),
  };
  const appWebhook =
    config.APP_WEBHOOK_URL && config.APP_WEBHOOK_SECRET
      ? { url: config.APP_WEBHOOK_URL, secret: config.APP_WEBHOOK_SECRET }
      : null;
  const pushTokens =
    config.PUSH_AUTH === 'none'
      ? null
      : jwtVerifier({
          keys: createRemoteJWKSet(new URL(config.PUSH_OIDC_JWKS_URL)),
          issuer: config.PUSH_OIDC_ISSUER,
          audience: required(config, 'PUSH_OIDC_AUDIENCE'),
          ...(config.PUSH_SERVICE_ACCOUNT ? { email: config.PUSH_SERVICE_ACCOUNT } : {}),
        });
  return {
    orders: store,
    outbox: store,
    bus: new PubSubEventBus(pubsub, { topics: { 'payment-events': config.PAYMENT_EVENTS_TOPIC } }),
    tasks,
    gateway: new RazorpayGateway({
      keyId: required(config, 'RAZORPAY_KEY_ID'),
      keySecret: required(config, 'RAZORPAY_KEY_SECRET'),
      webhookSecret: required(config, 'RAZORPAY_WEBHOOK_SECRET'),
      baseUrl: config.RAZORPAY_BASE_URL ?? 'https://api.razorpay.com',
      checkoutUrlBase: config.CHECKOUT_URL_BASE ?? null,
    }),
    inbox: new FirestoreInboxStore(firestore),
    notifications: new FirestoreNotificationStore(firestore),
    clock,
    ids: new RandomIds(),
    logger,
    settings: {
      statusCheckIntervalSeconds: config.STATUS_CHECK_INTERVAL_SECONDS,
      paymentMaxAgeSeconds: config.PAYMENT_MAX_AGE_SECONDS,
      refundCheckIntervalSeconds: config.REFUND_CHECK_INTERVAL_SECONDS,
      maxTransientAttempts: config.MAX_TRANSIENT_ATTEMPTS,
      appWebhook,
    },
    accounts: new FirestoreAccountStore(firestore),
    attempts: new FirestoreAttemptCounter(firestore),
    deliveries: new FirestoreDeliveryStore(firestore),
    operatorKeys,
    channels: [new LogChannel(logger), ...(appWebhook ? [new AppWebhookChannel(tasks, () => clock.now())] : [])],
    webhooks: new FetchWebhookPoster(),
    customerTokens: jwtVerifier({
      keys: createRemoteJWKSet(new URL(required(config, 'AUTH_JWKS_URL'))),
      issuer: required(config, 'AUTH_ISSUER'),
      audience: required(config, 'AUTH_AUDIENCE'),
    }),
    pushTokens,
  };
}
