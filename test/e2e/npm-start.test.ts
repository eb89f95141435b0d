import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import test from 'ava';
import { freePort } from '../support/emulators.ts';

/*
 * `npm start` as a user runs it: its own process, the sandbox gateway on a worker thread, real sockets. The in-process
 * suites (embedded.test.ts) build the stack without the thread, so only here do the checkout page, the gateway calls
 * and the sandbox's webhooks cross between threads, and only here does SIGTERM have to end a process holding a worker.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Reads until `done` holds or `ms` pass; the last value either way, so a failing assertion shows what was there. */
async function poll<T>(read: () => Promise<T>, done: (value: T) => boolean, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await sleep(200);
    value = await read();
  }
  return value;
}

function exited(child: ChildProcess, ms: number): Promise<{ code: number | null; signal: string | null } | 'timeout'> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    const timer = setTimeout(() => resolve('timeout'), ms);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

test.serial(
  'npm start: the README walk-through end to end (sandbox on its thread), then SIGTERM exits 0',
  async (t) => {
    t.timeout(60_000);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const child = spawn(process.execPath, ['--import', 'tsx', 'services/embedded/server.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        HOST: '127.0.0.1',
        PUBLIC_BASE_URL: base,
        // what the walk-through needs, whatever the runner's environment says: the embedded stack, the printed
        // walk-through, and the development finance key it prints (only made when no keys are configured)
        RUNTIME: 'embedded',
        PRINT_WALKTHROUGH: 'true',
        OPERATOR_API_KEYS: '',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    t.teardown(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const output = () => `stdout:\n${stdout.slice(-2000)}\nstderr:\n${stderr.slice(-2000)}`;

    const healthy = await poll(
      async () => {
        if (child.exitCode !== null) return false;
        try {
          return (await fetch(`${base}/healthz`)).ok;
        } catch {
          return false;
        }
      },
      (ok) => ok || child.exitCode !== null,
      30_000,
    );
    t.true(healthy, `npm start did not answer /healthz within 30 s\n${output()}`);
    if (!healthy) return;
    // the walk-through is printed once the server listens, which /healthz answering implies
    const operatorKey = await poll(
      async () => /dev-finance-[A-Za-z0-9_-]+/.exec(stdout)?.[0],
      (key) => key !== undefined,
      5_000,
    );
    t.truthy(operatorKey, `no dev-finance-… key printed\n${output()}`);
    if (!operatorKey) return;

    const customerId = `cust_npm_start_${randomUUID().slice(0, 8)}`;
    const tokenRes = await fetch(`${base}/dev/token?customerId=${customerId}`);
    t.is(tokenRes.status, 200);
    const { token } = (await tokenRes.json()) as { token: string };
    const asCustomer = { authorization: `Bearer ${token}` };

    // 1. the order, whose checkout the sandbox thread created
    const created = await fetch(`${base}/v1/orders`, {
      method: 'POST',
      headers: { ...asCustomer, 'content-type': 'application/json', 'idempotency-key': `first-payment-${customerId}` },
      body: JSON.stringify({ amount: 49900, currency: 'INR', description: 'Plan upgrade' }),
    });
    t.is(created.status, 201);
    // written by the HTTP server on every answer, the API's as much as the sandbox's page below
    t.is(created.headers.get('x-content-type-options'), 'nosniff');
    t.is(created.headers.get('strict-transport-security'), 'max-age=15552000; includeSubDomains');
    const order = (await created.json()) as {
      id: string;
      status: string;
      checkout: { gatewayOrderId: string; checkoutUrl: string };
    };
    t.like(order, { status: 'created' });
    t.regex(order.checkout.gatewayOrderId, /^order_/);
    t.is(order.checkout.checkoutUrl, `${base}/sandbox/checkout/${order.checkout.gatewayOrderId}`);

    // 2. the checkout: its page served by the sandbox's thread and written out by the front door, then paid by hand
    const page = await fetch(order.checkout.checkoutUrl);
    t.is(page.status, 200);
    t.regex(page.headers.get('content-type') ?? '', /^text\/html/);
    t.is(page.headers.get('x-frame-options'), 'SAMEORIGIN');
    t.true((await page.text()).includes(order.checkout.gatewayOrderId));

    const paid = await fetch(`${base}/sandbox/control/orders/${order.checkout.gatewayOrderId}/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ outcome: 'success', webhook: 'deliver' }),
    });
    t.is(paid.status, 200);
    const payment = (await paid.json()) as { paymentId: string; signature: string };
    t.regex(payment.paymentId, /^pay_/);
    t.regex(payment.signature, /^[0-9a-f]{64}$/);

    // 4. the sandbox's webhook (1.5 s after the payment) came back from its thread and settled the order
    const readOrder = async () =>
      (await (await fetch(`${base}/v1/orders/${order.id}`, { headers: asCustomer })).json()) as {
        status: string;
        refunds?: { status: string }[];
        refundedAmount?: { amount: number; currency: string };
      };
    const settled = await poll(readOrder, (o) => o.status === 'succeeded', 15_000);
    t.is(settled.status, 'succeeded');
    const readAccount = async () =>
      (await (await fetch(`${base}/v1/account`, { headers: asCustomer })).json()) as {
        balance: { amount: number; currency: string };
      };
    t.like(await poll(readAccount, (a) => a.balance.amount === 49900, 5_000), {
      balance: { amount: 49900, currency: 'INR' },
    });

    // 5. the operator refund: submitted to the sandbox's thread, processed there a second later, its webhook back
    const refund = await fetch(`${base}/v1/orders/${order.id}/refunds`, {
      method: 'POST',
      headers: {
        'x-api-key': operatorKey,
        'content-type': 'application/json',
        'idempotency-key': `refund-1-${customerId}`,
      },
      body: JSON.stringify({ amount: 10000, reason: 'goodwill' }),
    });
    t.is(refund.status, 201, await refund.clone().text());
    const refunded = await poll(readOrder, (o) => o.refunds?.[0]?.status === 'processed', 20_000);
    t.like(refunded, { refunds: [{ status: 'processed' }], refundedAmount: { amount: 10000, currency: 'INR' } });
    t.like(await poll(readAccount, (a) => a.balance.amount === 39900, 5_000), {
      balance: { amount: 39900, currency: 'INR' },
    });

    // the worker thread must not hold the process open past its shutdown
    child.kill('SIGTERM');
    t.deepEqual(await exited(child, 5_000), { code: 0, signal: null }, output());
  },
);
