import test from 'ava';
import { MemoryAccountStore } from '../../shared/adapters/memory/memory-account-store.ts';
import type { AccountStore } from '../../shared/ports/account-store.ts';
import { AppWebhookReceiver } from './app-webhook-receiver.ts';
import { embeddedHarness } from './embedded-harness.ts';
import { client, operator, pay, until } from './harness.ts';

const SECRET = 'app-webhook-secret-for-tests';

test('app webhook: every step reaches the app backend signed; a refusal is retried until acknowledged; operators see the attempts', async (t) => {
  const receiver = new AppWebhookReceiver(SECRET);
  const url = await receiver.listen();
  // the first two deliveries are refused: the queue must retry them
  receiver.answer = (n) => (n < 2 ? 500 : 204);
  const h = await embeddedHarness({ appWebhook: { url, secret: SECRET } });
  const c = await client(h);
  const order = await c.createOrder();
  await pay(h, order.checkout.gatewayOrderId, { webhook: 'deliver' });
  await h.settle();
  await h.passInterval();
  await h.passInterval();
  const steps = receiver.received.filter((r) => r.body.notification.orderId === order.id);
  t.true(
    steps.every((r) => r.signatureValid),
    'every delivery verifies with the shared secret',
  );
  t.deepEqual([...new Set(steps.map((r) => r.body.notification.step))].sort(), ['created', 'succeeded']);
  const res = await operator(h, 'GET', `/v1/ops/deliveries?orderId=${order.id}`);
  t.is(res.status, 200);
  const { items } = (await res.json()) as { items: any[] };
  t.is(items.length, 2, 'one delivery per notification');
  t.deepEqual(
    items.map((d) => d.state),
    ['delivered', 'delivered'],
  );
  const attempts = items.reduce((n, d) => n + d.attempts.length, 0);
  t.is(attempts, 4, 'two refused attempts, then one success each');
  t.true(items.flatMap((d) => d.attempts).some((a: any) => a.status === 500));
  await h.close();
  await receiver.close();
});

test('app webhook: signed with another secret → the app backend can tell', async (t) => {
  const receiver = new AppWebhookReceiver('the-secret-the-app-expects');
  const url = await receiver.listen();
  const h = await embeddedHarness({ appWebhook: { url, secret: 'a-different-secret-entirely' } });
  const c = await client(h);
  await c.createOrder();
  await h.settle();
  t.true(receiver.received.length > 0);
  t.false(receiver.received.some((r) => r.signatureValid));
  await h.close();
  await receiver.close();
});

/** Fails the first `failures` posts, as a flaky database would. */
class FlakyAccounts extends MemoryAccountStore implements AccountStore {
  calls = 0;
  constructor(private failures: number) {
    super();
  }
  override async post(...args: Parameters<MemoryAccountStore['post']>) {
    this.calls += 1;
    if (this.failures > 0) {
      this.failures -= 1;
      throw new Error('deadline exceeded (injected)');
    }
    return super.post(...args);
  }
}

test('fulfillment: a transient credit failure is retried by redelivery, then credited once', async (t) => {
  const accounts = new FlakyAccounts(2);
  const h = await embeddedHarness({ accounts, maxTransientAttempts: 5 });
  const c = await client(h);
  const order = await c.createOrder();
  await pay(h, order.checkout.gatewayOrderId, { webhook: 'deliver' });
  const account = await until(
    h,
    () => c.json('GET', '/v1/account'),
    (a) => a.balance.amount > 0,
    3,
  );
  t.is(account.balance.amount, 49_900);
  t.true(accounts.calls >= 3, 'it took redeliveries');
  t.is((await c.order(order.id)).refunds.length, 0, 'no refund for a failure that passed');
  await h.close();
});

test('fulfillment: a credit that keeps failing past the bound counts as permanent → refunded and told', async (t) => {
  const accounts = new FlakyAccounts(1_000);
  const h = await embeddedHarness({ accounts, maxTransientAttempts: 3 });
  const c = await client(h);
  const order = await c.createOrder();
  await pay(h, order.checkout.gatewayOrderId, { webhook: 'deliver' });
  const done = await until(
    h,
    () => c.order(order.id),
    (o) => o.refunds[0]?.status === 'processed',
    6,
  );
  t.is(done.refunds.length, 1);
  t.is(done.refunds[0].trigger, 'credit-failed');
  t.true(done.flags.includes('credit-failed'));
  const steps = (await c.notifications()).map((n: any) => n.step);
  t.true(steps.includes('refunded'));
  await h.close();
});
