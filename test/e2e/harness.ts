import { createHmac } from 'node:crypto';
import type { ExecutionContext, TestFn } from 'ava';

/**
 * What the end-to-end scenarios need from a running stack, so the same scenarios run on the embedded default and on
 * the emulator topology.
 */
export interface Harness {
  /** A request to the front door (`/v1`, `/webhooks`, `/sandbox`, `/dev`). */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Runs everything in flight (events, due tasks, webhooks) to completion. */
  settle(): Promise<void>;
  /** Lets one status-check interval pass and what falls due run. */
  passInterval(): Promise<void>;
  readonly intervalSeconds: number;
  readonly maxAgeSeconds: number;
  readonly razorpay: { readonly keyId: string; readonly keySecret: string; readonly webhookSecret: string };
  /** An operator key with the finance role. */
  readonly operatorKey: string;
  /** An operator key with the support role. */
  readonly supportKey: string;
  /** Pushes every event published so far again, `times` times, to every subscriber (Pub/Sub's at-least-once). */
  replayEvents(times: number): Promise<number>;
  /** Pushes one event to every subscriber as the topic would: what anyone able to publish to it could send. */
  pushEvent(event: { id: string; type: string; orderId: string }): Promise<void>;
  close(): Promise<void>;
}

export interface Client {
  readonly customerId: string;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  json<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
  createOrder(amount?: number, key?: string): Promise<any>;
  order(id: string): Promise<any>;
  notifications(): Promise<any[]>;
}

let counter = 0;

export async function client(h: Harness, customerId = `cust_${process.pid}_${++counter}`): Promise<Client> {
  const tokenResponse = await h.fetch(`/dev/token?customerId=${customerId}`);
  const { token } = (await tokenResponse.json()) as { token: string };
  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    h.fetch(path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
  const json = async (method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
    const res = await call(method, path, body, headers);
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
    return text ? JSON.parse(text) : null;
  };
  return {
    customerId,
    call,
    json,
    createOrder: (amount = 49_900, key = `key-${++counter}`) =>
      json('POST', '/v1/orders', { amount, currency: 'INR', description: 'Plan upgrade' }, { 'idempotency-key': key }),
    order: (id) => json('GET', `/v1/orders/${id}`),
    notifications: async () => (await json('GET', '/v1/notifications?limit=100')).items,
  };
}

/** Plays the customer at the sandbox checkout. */
export async function pay(
  h: Harness,
  gatewayOrderId: string,
  options: { outcome?: 'success' | 'failure'; webhook?: 'deliver' | 'drop' | 'duplicate'; amount?: number } = {},
): Promise<{ paymentId: string; signature: string }> {
  const res = await h.fetch(`/sandbox/control/orders/${gatewayOrderId}/pay`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      outcome: options.outcome ?? 'success',
      webhook: options.webhook ?? 'deliver',
      ...(options.amount ? { amount: options.amount } : {}),
    }),
  });
  if (!res.ok) throw new Error(`pay → ${res.status}: ${await res.text()}`);
  return (await res.json()) as { paymentId: string; signature: string };
}

/** Reads a payment from the sandbox's Razorpay API, as our adapter would. */
export async function sandboxPayment(h: Harness, paymentId: string): Promise<Record<string, unknown>> {
  const auth = Buffer.from(`${h.razorpay.keyId}:${h.razorpay.keySecret}`).toString('base64');
  const res = await h.fetch(`/sandbox/v1/payments/${paymentId}`, { headers: { authorization: `Basic ${auth}` } });
  return (await res.json()) as Record<string, unknown>;
}

/** A Razorpay webhook body and its headers, signed as Razorpay signs (or forged). */
export function signedWebhook(
  h: Harness,
  event: string,
  payment: Record<string, unknown>,
  eventId: string,
  secret = h.razorpay.webhookSecret,
): RequestInit {
  const body = JSON.stringify({
    entity: 'event',
    account_id: 'acc_TestAccount0001',
    event,
    contains: ['payment'],
    payload: { payment: { entity: payment } },
    // now: an event older than the webhook tolerance is a replay and is not applied
    created_at: Math.floor(Date.now() / 1000),
  });
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-razorpay-event-id': eventId,
      'x-razorpay-signature': createHmac('sha256', secret).update(body).digest('hex'),
    },
    body,
  };
}

/** Lets intervals pass until `done` holds; fails after `maxIntervals`. */
export async function until<T>(
  h: Harness,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  maxIntervals = 20,
): Promise<T> {
  await h.settle();
  let value = await read();
  for (let i = 0; i < maxIntervals && !done(value); i++) {
    await h.passInterval();
    value = await read();
  }
  return value;
}

/** Calls an operator endpoint with an API key. */
export async function operator(
  h: Harness,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  key = h.operatorKey,
): Promise<Response> {
  return h.fetch(path, {
    method,
    headers: { 'x-api-key': key, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

/** A Pub/Sub push envelope for an event, as the subscription would send it. */
export function pushEnvelope(event: { id: string; type: string; orderId: string }, messageId: string): string {
  return JSON.stringify({
    message: {
      data: Buffer.from(JSON.stringify(event)).toString('base64'),
      attributes: { eventId: event.id, eventType: event.type, orderId: event.orderId },
      messageId,
      publishTime: new Date(0).toISOString(),
    },
    subscription: 'projects/test/subscriptions/replay',
  });
}

/** Registers serial scenarios, each on a harness from `acquire`; a scenario asserts through ava's `t`. */
export function scenarioRunner(
  test: TestFn,
  label: string,
  acquire: () => Promise<Harness>,
  release: (h: Harness) => Promise<void>,
) {
  return (title: string, body: (h: Harness, t: ExecutionContext) => Promise<void>) =>
    test.serial(`${label}: ${title}`, async (t) => {
      const h = await acquire();
      try {
        await body(h, t);
      } finally {
        await release(h);
      }
    });
}
