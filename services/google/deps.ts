import { Firestore } from '@google-cloud/firestore';
import { PubSub } from '@google-cloud/pubsub';
import { createRemoteJWKSet } from 'jose';
import {
  CloudTasksTaskQueue,
  createCloudTasksClient,
} from '../../shared/adapters/cloud-tasks/cloud-tasks-task-queue.ts';
import { FirestoreInboxStore } from '../../shared/adapters/firestore/firestore-inbox-store.ts';
import { FirestoreNotificationStore } from '../../shared/adapters/firestore/firestore-notification-store.ts';
import { FirestoreOrderStore } from '../../shared/adapters/firestore/firestore-order-store.ts';
import { RazorpayGateway } from '../../shared/adapters/gateways/razorpay/razorpay-gateway.ts';
import { SystemClock } from '../../shared/adapters/memory/clocks.ts';
import { RandomIds } from '../../shared/adapters/memory/ids.ts';
import { PubSubEventBus } from '../../shared/adapters/pubsub/pubsub-event-bus.ts';
import type { Config } from '../../shared/config.ts';
import { jwtVerifier, type TokenVerifier } from '../../shared/http/auth.ts';
import type { Logger } from '../../shared/ports/logger.ts';
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
    tasks: new CloudTasksTaskQueue(tasksClient, {
      project: projectId,
      location: config.TASKS_LOCATION,
      queues: {
        'status-checks': { queue: config.TASKS_STATUS_QUEUE, targetBaseUrl: required(config, 'STATUS_CHECKER_URL') },
      },
      ...(config.TASKS_SERVICE_ACCOUNT ? { serviceAccountEmail: config.TASKS_SERVICE_ACCOUNT } : {}),
      ...(config.PUSH_OIDC_AUDIENCE ? { audience: config.PUSH_OIDC_AUDIENCE } : {}),
    }),
    gateway: new RazorpayGateway({
      keyId: required(config, 'RAZORPAY_KEY_ID'),
      keySecret: required(config, 'RAZORPAY_KEY_SECRET'),
      webhookSecret: required(config, 'RAZORPAY_WEBHOOK_SECRET'),
      baseUrl: config.RAZORPAY_BASE_URL ?? 'https://api.razorpay.com',
      checkoutUrlBase: config.CHECKOUT_URL_BASE ?? null,
    }),
    inbox: new FirestoreInboxStore(firestore),
    notifications: new FirestoreNotificationStore(firestore),
    clock: new SystemClock(),
    ids: new RandomIds(),
    logger,
    settings: {
      statusCheckIntervalSeconds: config.STATUS_CHECK_INTERVAL_SECONDS,
      paymentMaxAgeSeconds: config.PAYMENT_MAX_AGE_SECONDS,
    },
    customerTokens: jwtVerifier({
      keys: createRemoteJWKSet(new URL(required(config, 'AUTH_JWKS_URL'))),
      issuer: required(config, 'AUTH_ISSUER'),
      audience: required(config, 'AUTH_AUDIENCE'),
    }),
    pushTokens,
  };
}
