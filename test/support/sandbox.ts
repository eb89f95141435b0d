import {
  createSandboxGateway,
  type SandboxGateway,
  type SandboxGatewayDeps,
} from '../../services/sandbox-gateway/app.ts';
import type { Clock } from '../../shared/ports/clock.ts';

/* Shared by the sandbox's tests (and the adapter's contract test): a sandbox with a fixed clock, seeded ids and a
 * webhook endpoint that records what it receives. */

export const KEY_ID = 'rzp_test_1DP5mmOlF5G5ag';
export const KEY_SECRET = 'test_key_secret_do_not_leak';
export const WEBHOOK_SECRET = 'test_webhook_secret_do_not_leak';
export const WEBHOOK_URL = 'http://webhooks.test/v1/webhooks/razorpay';
export const NOW = new Date('2025-04-01T10:00:00.000Z');
export const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);

export const fixedClock = (at: Date = NOW): Clock => ({ now: () => at });

/** Deterministic 14-character id bodies: `T0000000000001`, `T0000000000002`, … */
export function seededIds(): () => string {
  let n = 0;
  return () => `T${String(++n).padStart(13, '0')}`;
}

export interface RecordedRequest {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * A fake webhook endpoint. `respond(n)` decides the answer to the n-th request (1-based): a status, or an Error to
 * throw as a network failure. Default: 200.
 */
export function webhookRecorder(respond: (n: number) => number | Error = () => 200) {
  const requests: RecordedRequest[] = [];
  const fetchFn: typeof fetch = async (input, init) => {
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    requests.push({ url: String(input), headers, body: String(init?.body ?? '') });
    const answer = respond(requests.length);
    if (answer instanceof Error) throw answer;
    return new Response(null, { status: answer });
  };
  const events = () =>
    requests.map((r) => ({
      id: r.headers['x-razorpay-event-id'],
      type: (JSON.parse(r.body) as { event: string }).event,
    }));
  return { fetch: fetchFn, requests, events };
}

export function makeSandbox(overrides: Partial<SandboxGatewayDeps> = {}) {
  const hook = webhookRecorder();
  const sandbox = createSandboxGateway({
    keyId: KEY_ID,
    keySecret: KEY_SECRET,
    webhookSecret: WEBHOOK_SECRET,
    webhookUrl: WEBHOOK_URL,
    clock: fixedClock(),
    ids: seededIds(),
    fetch: hook.fetch,
    refundAutoSettleMs: null,
    webhookRetryDelaysMs: [0, 0],
    ...overrides,
  });
  return { sandbox, hook };
}

export const basicAuth = (id = KEY_ID, secret = KEY_SECRET) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** A JSON request against the sandbox; Razorpay API paths get Basic auth unless `headers` says otherwise. */
export async function call(
  sandbox: SandboxGateway,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: any }> {
  const res = await sandbox.app.request(path, {
    method,
    headers: {
      ...(path.startsWith('/v1/') ? { Authorization: basicAuth() } : {}),
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

export async function createOrder(sandbox: SandboxGateway, amount = 49_900) {
  const res = await call(sandbox, 'POST', '/v1/orders', { amount, currency: 'INR', receipt: 'ord_test_1' });
  if (res.status !== 200) throw new Error(`create order failed: ${JSON.stringify(res.json)}`);
  return res.json as { id: string; amount: number };
}

/** An order paid in full; returns its ids. */
export async function paidOrder(sandbox: SandboxGateway, amount = 49_900) {
  const order = await createOrder(sandbox, amount);
  const paid = await call(sandbox, 'POST', `/control/orders/${order.id}/pay`, { outcome: 'success', webhook: 'drop' });
  return { orderId: order.id, paymentId: paid.json.paymentId as string };
}
