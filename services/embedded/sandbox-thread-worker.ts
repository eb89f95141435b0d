import { parentPort, workerData } from 'node:worker_threads';
import { consoleLogger } from '../../shared/adapters/logging/pretty-logger.ts';
import { SystemClock } from '../../shared/adapters/memory/clocks.ts';
import { inProcessResponse } from '../../shared/adapters/memory/in-process-http.ts';
import { createSandboxGateway } from '../sandbox-gateway/app.ts';
import {
  type FromSandbox,
  fromWire,
  type SandboxThreadData,
  type ToSandbox,
  type WireRequest,
  type WireResponse,
} from './sandbox-thread.ts';

// The sandbox gateway's thread (see sandbox-thread.ts): requests in, answers out; its webhooks go out the same way.
const port = parentPort!;
const data = workerData as SandboxThreadData;
let next = 0;
const webhookAnswers = new Map<number, (response: WireResponse | null) => void>();
const post = (message: FromSandbox) => port.postMessage(message);

const webhookFetch = (async (input: string | URL | Request, init?: RequestInit) => {
  const request: WireRequest = {
    url: String(input),
    method: (init?.method ?? 'GET').toUpperCase(),
    headers: [...new Headers(init?.headers).entries()],
    body: typeof init?.body === 'string' ? init.body : null,
  };
  const id = next++;
  const signal = init?.signal;
  const response = await new Promise<WireResponse | null>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    // the sender's per-attempt timeout: an answer that never comes is retried as a network failure would be
    signal?.addEventListener(
      'abort',
      () => {
        webhookAnswers.delete(id);
        reject(signal.reason);
      },
      { once: true },
    );
    webhookAnswers.set(id, resolve);
    post({ kind: 'webhook', id, request });
  });
  // as a network failure looks to fetch: the sender retries it
  if (!response) throw new TypeError('fetch failed: the stack did not answer');
  return inProcessResponse(response.status, response.headers, response.body);
}) as typeof fetch;

const sandbox = createSandboxGateway({
  keyId: data.keyId,
  keySecret: data.keySecret,
  webhookSecret: data.webhookSecret,
  webhookUrl: data.webhookUrl,
  clock: new SystemClock(),
  fetch: webhookFetch,
  logger: consoleLogger(data.logFormat, data.logLevel, { service: 'sandbox-gateway' }),
  ...(data.refundAutoSettleMs !== undefined ? { refundAutoSettleMs: data.refundAutoSettleMs } : {}),
  ...(data.webhookDelayMs !== undefined ? { webhookDelayMs: data.webhookDelayMs } : {}),
});

port.on('message', async (message: ToSandbox) => {
  switch (message.kind) {
    case 'request': {
      const response = await sandbox.app.fetch(fromWire(message.request));
      const body = await response.text();
      post({
        kind: 'response',
        id: message.id,
        response: { status: response.status, headers: [...response.headers.entries()], body },
      });
      return;
    }
    case 'settle':
      await sandbox.settle();
      post({ kind: 'settled', id: message.id });
      return;
    case 'webhook-answer':
      webhookAnswers.get(message.id)?.(message.response);
      webhookAnswers.delete(message.id);
      return;
    case 'close':
      sandbox.close();
      return;
    default: {
      const unknown: never = message;
      throw new Error(`unknown message ${JSON.stringify(unknown)}`);
    }
  }
});
