import test from 'ava';
import { MemoryLogger } from '../../shared/adapters/logging/json-logger.ts';
import { loadGoogleConfig } from '../../shared/config.ts';
import { PAYMENT_EVENT_TYPES, type PaymentEvent } from '../../shared/domain/events.ts';
import { JOB_ROUTES, PUSH_ROUTES, TASK_ROUTES } from '../../shared/http/routes.ts';
import { handleRefundEvent } from '../../shared/use-cases/handle-refund-event.ts';
import { settleAccount } from '../../shared/use-cases/settle-account.ts';
import { googleDeps } from '../google/deps.ts';
import { eventTypeFilter, findService, jobTarget, SERVICES, subscriptions, taskTarget } from './catalogue.ts';

const env = (service: string) => ({
  RUNTIME: 'google',
  SERVICE: service,
  GOOGLE_CLOUD_PROJECT: 'catalogue-test',
  PUSH_OIDC_AUDIENCE: 'https://self.example',
  PUSH_SERVICE_ACCOUNT: 'pusher@catalogue-test.iam.gserviceaccount.com',
  RAZORPAY_KEY_ID: 'rzp_test_x',
  RAZORPAY_KEY_SECRET: 'secret',
  RAZORPAY_WEBHOOK_SECRET: 'whsecret',
  AUTH_ISSUER: 'https://issuer.example',
  AUTH_AUDIENCE: 'payments-api',
  AUTH_JWKS_URL: 'https://issuer.example/jwks.json',
  KMS_KEY_NAME: 'projects/catalogue-test/locations/asia-south1/keyRings/payments/cryptoKeys/payment-data',
  SERVICE_URLS: SERVICES.map((s) => `${s.name}=https://${s.name}.example`).join(','),
});

test('catalogue: names are unique, and every queue, topic and job has exactly one receiving service', (t) => {
  t.is(new Set(SERVICES.map((s) => s.name)).size, SERVICES.length);
  for (const queue of Object.keys(TASK_ROUTES) as (keyof typeof TASK_ROUTES)[]) {
    t.is(SERVICES.filter((s) => s.receivesTasks.includes(queue)).length, 1, queue);
    t.truthy(taskTarget(queue));
  }
  for (const job of Object.keys(JOB_ROUTES) as (keyof typeof JOB_ROUTES)[]) t.truthy(jobTarget(job));
  t.deepEqual(
    subscriptions().map((s) => s.name),
    ['notifier-payment-events', 'fulfillment-payment-events', 'refunds-payment-events'],
  );
});

test('catalogue: a name from outside is looked up by value, never as an object key', (t) => {
  t.is(findService('__proto__'), undefined);
  t.is(findService('constructor'), undefined);
  t.is(findService('api')?.name, 'api');
});

for (const service of SERVICES) {
  test(`catalogue: ${service.name} is built on Google adapters from its needs alone and serves its routes`, async (t) => {
    const config = loadGoogleConfig(env(service.name));
    const deps = googleDeps(config, service, new MemoryLogger());
    t.deepEqual(Object.keys(deps).sort(), ['logger', ...service.needs].sort());
    const app = service.createApp({ ...deps, bodyLimitBytes: 1024 });
    t.is((await app.fetch(new Request('http://svc/healthz'))).status, 200);
    const own = [
      ...service.receivesTasks.map((q) => TASK_ROUTES[q]),
      ...service.subscribes.map((topic) => PUSH_ROUTES[topic]),
      ...service.jobs.map((job) => JOB_ROUTES[job]),
    ];
    for (const path of own) {
      // no token: refused by the route's authentication, which proves the route exists (an unknown path is 404)
      const res = await app.fetch(new Request(`http://svc${path}`, { method: 'POST', body: '{}' }));
      t.is(res.status, 401, path);
    }
  });
}

test('catalogue: the notifier starts without any Razorpay key; the api does not', (t) => {
  const { RAZORPAY_KEY_SECRET: _s, RAZORPAY_WEBHOOK_SECRET: _w, ...withoutRazorpay } = env('notifier');
  const notifier = findService('notifier')!;
  t.notThrows(() => googleDeps(loadGoogleConfig(withoutRazorpay), notifier, new MemoryLogger()));
  const api = findService('api')!;
  t.throws(() => googleDeps(loadGoogleConfig({ ...withoutRazorpay, SERVICE: 'api' }), api, new MemoryLogger()), {
    message: /the api service needs: RAZORPAY_KEY_SECRET, RAZORPAY_WEBHOOK_SECRET/,
  });
});

test('catalogue: a service storing orders on Google Cloud does not start without a Cloud KMS key', (t) => {
  const { KMS_KEY_NAME: _k, ...withoutKms } = env('api');
  t.throws(() => googleDeps(loadGoogleConfig(withoutKms), findService('api')!, new MemoryLogger()), {
    message: /the api service needs KMS_KEY_NAME/,
  });
  t.throws(
    () =>
      googleDeps(
        loadGoogleConfig({ ...withoutKms, LOCAL_KEY_FILE: '/tmp/k.json' }),
        findService('api')!,
        new MemoryLogger(),
      ),
    { message: /only with FIRESTORE_EMULATOR_HOST/ },
    'a key file is for the emulators only',
  );
});

test('catalogue: a filtered subscription leaves out only events its handler ignores, in a filter Pub/Sub accepts', async (t) => {
  const handlers: Record<string, (event: PaymentEvent) => Promise<string>> = {
    fulfillment: (event) => settleAccount(event, {} as never),
    refunds: (event) => handleRefundEvent(event, {} as never),
  };
  for (const sub of subscriptions()) {
    const filter = eventTypeFilter(sub.eventTypes);
    t.true(Buffer.byteLength(filter) <= 256, `${sub.name}: Pub/Sub filters are at most 256 bytes`);
    if (sub.eventTypes === null) continue;
    const handle = handlers[sub.service.name];
    if (!handle) return t.fail(`${sub.name} filters events but no test knows its handler`);
    for (const type of PAYMENT_EVENT_TYPES.filter((x) => !sub.eventTypes!.includes(x))) {
      const event = { id: `ord_1:${type}`, type, orderId: 'ord_1' } as PaymentEvent;
      t.is(await handle(event), 'ignored', `${sub.name} would ignore ${type}`);
    }
  }
  t.is(
    eventTypeFilter(['payment.succeeded', 'refund.processed']),
    'attributes.eventType = "payment.succeeded" OR attributes.eventType = "refund.processed"',
  );
});
