import test from 'ava';
import { DEV_RAZORPAY_KEYS } from '../dev/dev-keys.ts';
import { startSandboxThread } from './sandbox-thread.ts';

const auth = `Basic ${Buffer.from(`${DEV_RAZORPAY_KEYS.keyId}:${DEV_RAZORPAY_KEYS.keySecret}`).toString('base64')}`;

function start(webhooks: Request[] = []) {
  const thread = startSandboxThread(
    { ...DEV_RAZORPAY_KEYS, webhookUrl: 'http://stack.test/webhooks/razorpay', logFormat: 'json', logLevel: 'ERROR' },
    (async (input: string | URL | Request, init?: RequestInit) => {
      webhooks.push(new Request(input, init));
      return new Response(null, { status: 200 });
    }) as typeof fetch,
  );
  return thread;
}

test('sandbox thread: a Razorpay call crosses to the thread and back (order created, then read back)', async (t) => {
  const thread = start();
  t.teardown(() => thread.terminate());
  const created = await thread.fetch('http://sandbox.test/v1/orders', {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify({ amount: 49_900, currency: 'INR', receipt: 'ord_thread' }),
  });
  t.is(created.status, 200);
  const order = (await created.json()) as { id: string; amount: number; status: string };
  t.like(order, { amount: 49_900, status: 'created' });
  const read = await thread.fetch(`http://sandbox.test/v1/orders/${order.id}`, { headers: { authorization: auth } });
  t.like(await read.json(), { id: order.id });
  const refused = await thread.fetch(`http://sandbox.test/v1/orders/${order.id}`);
  t.is(refused.status, 401, 'without its keys, as Razorpay answers');
});

test('sandbox thread: a payment played at the checkout sends its webhook back through the stack', async (t) => {
  const webhooks: Request[] = [];
  const thread = start(webhooks);
  t.teardown(() => thread.terminate());
  const created = await thread.fetch('http://sandbox.test/v1/orders', {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: JSON.stringify({ amount: 10_000, currency: 'INR', receipt: 'ord_webhook' }),
  });
  const { id } = (await created.json()) as { id: string };
  const paid = await thread.app.request(`/control/orders/${id}/pay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ outcome: 'success', webhook: 'deliver' }),
  });
  t.is(paid.status, 200);
  await thread.settle();
  t.true(webhooks.length >= 1);
  t.is(webhooks[0]!.url, 'http://stack.test/webhooks/razorpay');
  t.truthy(webhooks[0]!.headers.get('x-razorpay-signature'));
});

test('sandbox thread: a call whose deadline passes, or made after the thread ended, fails instead of waiting', async (t) => {
  const thread = start();
  const failure = (call: Promise<Response>) =>
    call.then(
      () => 'answered',
      (error: { name?: string; message?: string }) => `${error.name}: ${error.message}`,
    );
  const aborted = AbortSignal.abort(new DOMException('razorpay request timed out', 'TimeoutError'));
  t.is(
    await failure(thread.fetch('http://sandbox.test/v1/orders', { signal: aborted })),
    'TimeoutError: razorpay request timed out',
  );
  await thread.terminate();
  t.regex(
    await failure(thread.fetch('http://sandbox.test/v1/orders', { headers: { authorization: auth } })),
    /^Error: the sandbox thread ended/,
  );
});
