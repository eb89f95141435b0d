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
import { FieldCipher } from '../../shared/adapters/crypto/field-cipher.ts';
import { createKmsClient, KmsKeyEncryptionKey } from '../../shared/adapters/crypto/kms-key.ts';
import { LocalKeyFile } from '../../shared/adapters/crypto/local-key-file.ts';
import { FirestoreAccountStore } from '../../shared/adapters/firestore/firestore-account-store.ts';
import { FirestoreAttemptCounter } from '../../shared/adapters/firestore/firestore-attempt-counter.ts';
import { FirestoreAuditLog } from '../../shared/adapters/firestore/firestore-audit-log.ts';
import { FirestoreDeliveryStore } from '../../shared/adapters/firestore/firestore-delivery-store.ts';
import { FirestoreInboxStore } from '../../shared/adapters/firestore/firestore-inbox-store.ts';
import { FirestoreNotificationStore } from '../../shared/adapters/firestore/firestore-notification-store.ts';
import { FirestoreOperatorKeyStore } from '../../shared/adapters/firestore/firestore-operator-keys.ts';
import { FirestoreOrderStore } from '../../shared/adapters/firestore/firestore-order-store.ts';
import { FirestoreReconciliationStore } from '../../shared/adapters/firestore/firestore-reconciliation-store.ts';
import { FirestoreWebhookIssueStore } from '../../shared/adapters/firestore/firestore-webhook-issue-store.ts';
import { RazorpayGateway } from '../../shared/adapters/gateways/razorpay/razorpay-gateway.ts';
import { SystemClock } from '../../shared/adapters/memory/clocks.ts';
import { RandomIds } from '../../shared/adapters/memory/ids.ts';
import { MemoryOperatorKeyStore } from '../../shared/adapters/memory/memory-operator-keys.ts';
import { PubSubEventBus } from '../../shared/adapters/pubsub/pubsub-event-bus.ts';
import { customerAuth, type GoogleConfig, keyEncryption, razorpayKeys, serviceUrl } from '../../shared/config.ts';
import { jwtVerifier } from '../../shared/http/auth.ts';
import { TASK_ROUTES } from '../../shared/http/routes.ts';
import type { Logger } from '../../shared/ports/logger.ts';
import type { OperatorKeyStore } from '../../shared/ports/operator-keys.ts';
import type { QueueName } from '../../shared/ports/task-queue.ts';
import type { DepKey, ServiceDefinition, ServiceDeps } from '../catalogue/catalogue.ts';
import { taskTarget } from '../catalogue/catalogue.ts';

/** Which setting names each product queue's Cloud Tasks queue id (the infra apply creates the queues under these ids). */
export const QUEUE_IDS = {
  'status-checks': 'TASKS_STATUS_QUEUE',
  'refund-checks': 'TASKS_REFUND_QUEUE',
  'notification-deliveries': 'TASKS_DELIVERY_QUEUE',
  reconciliations: 'TASKS_RECONCILIATION_QUEUE',
} as const satisfies Record<QueueName, keyof GoogleConfig>;

function once<T>(make: () => T): () => T {
  let made: { value: T } | null = null;
  return () => {
    made ??= { value: make() };
    return made.value;
  };
}

/**
 * The Google Cloud composition of one service: Firestore, Pub/Sub, Cloud Tasks and Razorpay, from configuration
 * alone, building only what the catalogue entry `needs` (the notifier never sees a Razorpay secret, the webhooks
 * service never creates a Cloud Tasks client). The clients honour FIRESTORE_EMULATOR_HOST / PUBSUB_EMULATOR_HOST
 * themselves, and CLOUD_TASKS_EMULATOR_HOST points the Cloud Tasks client at the project's emulator, so the same code
 * runs on emulators and in production. Clients are made once per process.
 */
export function googleDeps(config: GoogleConfig, service: ServiceDefinition, logger: Logger): ServiceDeps {
  const who = `the ${service.name} service`;
  const projectId = config.GOOGLE_CLOUD_PROJECT;
  const firestore = once(() => new Firestore({ projectId, ignoreUndefinedProperties: true }));
  // payment information is sealed before it reaches Firestore, under data keys wrapped by KMS (or, on the emulators,
  // a local key file)
  const cipher = once(() => {
    const setting = keyEncryption(config, who);
    return new FieldCipher(
      'kms' in setting ? new KmsKeyEncryptionKey(createKmsClient(), setting.kms) : LocalKeyFile.lazy(setting.file),
    );
  });
  const orderStore = once(() => new FirestoreOrderStore(firestore(), cipher()));
  const clock = once(() => new SystemClock());
  const tasks = once(
    () =>
      new CloudTasksTaskQueue(
        createCloudTasksClient(
          config.CLOUD_TASKS_EMULATOR_HOST ? { emulatorHost: config.CLOUD_TASKS_EMULATOR_HOST } : {},
        ),
        {
          project: projectId,
          location: config.TASKS_LOCATION,
          // only the queues this service enqueues to; the audience is the target service's own URL, which is what
          // each service checks its tokens against
          queues: Object.fromEntries(
            service.enqueues.map((queue) => {
              const target = serviceUrl(config, taskTarget(queue).name, who).replace(/\/+$/, '');
              return [
                queue,
                { queue: config[QUEUE_IDS[queue]], url: `${target}${TASK_ROUTES[queue]}`, audience: target },
              ];
            }),
          ),
          ...(config.TASKS_SERVICE_ACCOUNT ? { serviceAccountEmail: config.TASKS_SERVICE_ACCOUNT } : {}),
        },
      ),
  );
  const appWebhook =
    config.APP_WEBHOOK_URL && config.APP_WEBHOOK_SECRET
      ? { url: config.APP_WEBHOOK_URL, secret: config.APP_WEBHOOK_SECRET }
      : null;

  const factories: { readonly [K in DepKey]: () => ServiceDeps[K] } = {
    orders: orderStore,
    orderChanges: orderStore,
    outbox: orderStore,
    bus: () =>
      new PubSubEventBus(new PubSub({ projectId }), { topics: { 'payment-events': config.PAYMENT_EVENTS_TOPIC } }),
    tasks,
    gateway: () => {
      const keys = razorpayKeys(config, who);
      return new RazorpayGateway({
        keyId: keys.RAZORPAY_KEY_ID,
        keySecret: keys.RAZORPAY_KEY_SECRET,
        webhookSecret: keys.RAZORPAY_WEBHOOK_SECRET,
        previousWebhookSecret: config.RAZORPAY_WEBHOOK_SECRET_PREVIOUS ?? null,
        baseUrl: config.RAZORPAY_BASE_URL,
        checkoutUrlBase: config.CHECKOUT_URL_BASE ?? null,
      });
    },
    inbox: () => new FirestoreInboxStore(firestore()),
    notifications: () => new FirestoreNotificationStore(firestore()),
    clock,
    ids: () => new RandomIds(),
    settings: () => ({
      statusCheckIntervalSeconds: config.STATUS_CHECK_INTERVAL_SECONDS,
      paymentMaxAgeSeconds: config.PAYMENT_MAX_AGE_SECONDS,
      statusCheckBackoffAfterSeconds: config.STATUS_CHECK_BACKOFF_AFTER_SECONDS,
      refundCheckIntervalSeconds: config.REFUND_CHECK_INTERVAL_SECONDS,
      maxTransientAttempts: config.MAX_TRANSIENT_ATTEMPTS,
      appWebhook,
      webhookToleranceSeconds: config.WEBHOOK_TOLERANCE_SECONDS,
    }),
    accounts: () => new FirestoreAccountStore(firestore()),
    attempts: () => new FirestoreAttemptCounter(firestore()),
    deliveries: () => new FirestoreDeliveryStore(firestore()),
    audit: () => new FirestoreAuditLog(firestore()),
    webhookIssues: () => new FirestoreWebhookIssueStore(firestore()),
    operatorKeys: () => {
      // keys from the environment first, then those provisioned in Firestore; both hold only hashes
      const envKeys = config.OPERATOR_API_KEYS ? MemoryOperatorKeyStore.fromPairs(config.OPERATOR_API_KEYS) : null;
      const storedKeys = new FirestoreOperatorKeyStore(firestore());
      const keys: OperatorKeyStore = {
        findByHash: async (hash) => (await envKeys?.findByHash(hash)) ?? storedKeys.findByHash(hash),
      };
      return keys;
    },
    channels: () => [
      new LogChannel(logger),
      ...(appWebhook ? [new AppWebhookChannel(tasks(), () => clock().now())] : []),
    ],
    webhooks: () => new FetchWebhookPoster(),
    reconciliations: () => new FirestoreReconciliationStore(firestore()),
    reconciliation: () => ({
      timeZone: config.BUSINESS_TIME_ZONE,
      concurrency: config.RECONCILIATION_CONCURRENCY,
      gatewayRequestsPerSecond: config.RECONCILIATION_GATEWAY_RPS,
      leaseSeconds: config.RECONCILIATION_LEASE_SECONDS,
    }),
    customerTokens: () => {
      const auth = customerAuth(config, who);
      return jwtVerifier({
        keys: createRemoteJWKSet(new URL(auth.AUTH_JWKS_URL)),
        issuer: auth.AUTH_ISSUER,
        audience: auth.AUTH_AUDIENCE,
        maxLifetimeSeconds: config.TOKEN_MAX_LIFETIME_SECONDS,
        clockSkewSeconds: config.TOKEN_CLOCK_SKEW_SECONDS,
      });
    },
    pushTokens: () =>
      config.PUSH_AUTH === 'none'
        ? null
        : jwtVerifier({
            keys: createRemoteJWKSet(new URL(config.PUSH_OIDC_JWKS_URL)),
            issuer: config.PUSH_OIDC_ISSUER,
            audience: config.PUSH_OIDC_AUDIENCE,
            email: config.PUSH_SERVICE_ACCOUNT,
            maxLifetimeSeconds: config.TOKEN_MAX_LIFETIME_SECONDS,
            clockSkewSeconds: config.TOKEN_CLOCK_SKEW_SECONDS,
          }),
  };
  const deps: Record<string, unknown> = { logger };
  for (const need of service.needs) deps[need] = factories[need]();
  // only the entry's needs are present: its createApp's type admits no others (see the catalogue's `service()`)
  return deps as unknown as ServiceDeps;
}
