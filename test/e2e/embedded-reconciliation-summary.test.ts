import test from 'ava';
import { TASK_ROUTES } from '../../shared/http/routes.ts';
import { AppWebhookReceiver } from './app-webhook-receiver.ts';
import { BASE, embeddedHarness } from './embedded-harness.ts';
import { client, operator, pay } from './harness.ts';
import { istDay, reconcile } from './reconciliation-scenarios.ts';

const SECRET = 'app-webhook-secret-for-reconciliation';

/** A day with one success whose webhook was lost and one order never paid. */
async function dayWithALostSuccess(h: Awaited<ReturnType<typeof embeddedHarness>>) {
  const c = await client(h);
  const lost = await c.createOrder();
  await pay(h, lost.checkout.gatewayOrderId, { webhook: 'drop' });
  await c.createOrder();
  await h.settle();
  return istDay(lost.createdAt);
}

/** Posts a task to its route as Cloud Tasks would redeliver it. */
async function redeliver(h: Awaited<ReturnType<typeof embeddedHarness>>, path: string, body: unknown) {
  const token = await h.stack.issuer.pushToken();
  return h.stack.fetch(
    new Request(`${BASE}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
}

test("reconciliation summary: a completed run → one signed reconciliation.completed webhook with the report's counts; either task redelivered → still one", async (t) => {
  const receiver = new AppWebhookReceiver(SECRET);
  const url = await receiver.listen();
  // the first summary delivery is refused: the notification-deliveries queue retries it
  let refused = false;
  receiver.answer = (_n, body) => {
    if (body.type !== 'reconciliation.completed' || refused) return 204;
    refused = true;
    return 503;
  };
  const h = await embeddedHarness({ appWebhook: { url, secret: SECRET } });
  const day = await dayWithALostSuccess(h);
  const report = await reconcile(h, t, day);
  await h.passInterval();
  const summaries = () => receiver.received.filter((r) => r.body.type === 'reconciliation.completed');
  t.is(summaries().length, 2, 'one refused attempt, then the retry the app acknowledged');
  const [, delivered] = summaries();
  t.true(delivered!.signatureValid, 'signed with the shared secret');
  t.is(delivered!.deliveryId, `reconciliation:${report.id}@app-webhook`);
  t.like(delivered!.body.reconciliation, {
    id: `reconciliation:${report.id}`,
    type: 'reconciliation.completed',
    runId: report.id,
    day,
    trigger: 'manual',
    needsPerson: report.counts.results['needs-person'] + report.counts.results.refused,
    report: `/v1/ops/reconciliations/${report.id}`,
  });
  t.deepEqual(delivered!.body.reconciliation.counts, report.counts);
  t.like(report.counts, { orders: 2, settled: { succeeded: 1, failed: 0, expired: 0 }, stillOpen: 1 });

  // the reconciliation task redelivered: the run is completed; its summary's delivery task is refused by name
  const again = await redeliver(h, TASK_ROUTES.reconciliations, { runId: report.id });
  t.is(again.status, 200);
  // the delivery task redelivered: already acknowledged, not posted again
  const twice = await redeliver(h, TASK_ROUTES['notification-deliveries'], delivered!.body.reconciliation);
  t.is(twice.status, 200);
  t.like(await twice.json(), { state: 'delivered', attempts: 2 });
  await h.passInterval();
  t.is(summaries().length, 2, 'nothing more reached the app');
  await h.close();
  await receiver.close();
});

test('reconciliation summary: no app webhook configured → the log line only, no delivery task', async (t) => {
  const h = await embeddedHarness();
  const day = await dayWithALostSuccess(h);
  const report = await reconcile(h, t, day);
  await h.passInterval();
  const lines = h.logger.lines.filter((l) => l.message === 'reconciliation summary');
  t.is(lines.length, 1);
  t.like(lines[0], {
    channel: 'log',
    audience: 'finance',
    runId: report.id,
    day,
    orders: 2,
    needsPerson: report.counts.results['needs-person'] + report.counts.results.refused,
    report: `/v1/ops/reconciliations/${report.id}`,
  });
  const deliveries = (await (await operator(h, 'GET', '/v1/ops/deliveries?limit=100')).json()) as { items: any[] };
  t.deepEqual(deliveries.items, [], 'nothing delivered');
  t.deepEqual(
    h.stack.queue.pending().filter((task) => task.queue === 'notification-deliveries'),
    [],
    'no delivery task waiting',
  );
  await h.close();
});
