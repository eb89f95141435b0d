import { Worker } from 'node:worker_threads';
import { Hono } from 'hono';
import { inProcessRequest, inProcessResponse } from '../../shared/adapters/memory/in-process-http.ts';
import type { Severity } from '../../shared/ports/logger.ts';
import type { SandboxGateway } from '../sandbox-gateway/app.ts';

/** An HTTP exchange as it crosses between threads: plain fields, so structured cloning copies it cheaply. */
export interface WireRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string | null;
}
export interface WireResponse {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string | null;
}

/** Main thread → sandbox thread. */
export type ToSandbox =
  | { readonly kind: 'request'; readonly id: number; readonly request: WireRequest }
  | { readonly kind: 'settle'; readonly id: number }
  | { readonly kind: 'webhook-answer'; readonly id: number; readonly response: WireResponse | null }
  | { readonly kind: 'close' };
/** Sandbox thread → main thread. */
export type FromSandbox =
  | { readonly kind: 'response'; readonly id: number; readonly response: WireResponse }
  | { readonly kind: 'settled'; readonly id: number }
  | { readonly kind: 'webhook'; readonly id: number; readonly request: WireRequest };

/** What the sandbox thread is built from (its clock is the system's: a thread is for `npm start`, not simulations). */
export interface SandboxThreadData {
  readonly keyId: string;
  readonly keySecret: string;
  readonly webhookSecret: string;
  readonly webhookUrl: string;
  readonly refundAutoSettleMs?: number | null;
  readonly webhookDelayMs?: number;
  readonly logFormat: 'json' | 'pretty' | undefined;
  readonly logLevel: Severity;
}

export interface SandboxThread extends SandboxGateway {
  /** The Razorpay adapter's fetch: each call crosses to the sandbox's thread and back. */
  readonly fetch: typeof fetch;
  /** Ends the thread (after `close`). */
  terminate(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'content-length', 'keep-alive', 'transfer-encoding']);

async function toWire(input: string | URL | Request, init?: RequestInit): Promise<WireRequest> {
  if (
    !(input instanceof Request) &&
    (init?.body === undefined || init.body === null || typeof init.body === 'string')
  ) {
    return {
      url: String(input),
      method: (init?.method ?? 'GET').toUpperCase(),
      headers: [...new Headers(init?.headers).entries()],
      body: (init?.body as string | null | undefined) ?? null,
    };
  }
  const request = new Request(input, init);
  const body = request.method === 'GET' || request.method === 'HEAD' ? null : await request.text();
  // the body now travels whole: the framing it arrived in (chunked, its length, the connection) stays behind
  const headers = [...request.headers.entries()].filter(([name]) => !HOP_BY_HOP.has(name));
  return { url: request.url, method: request.method, headers, body };
}

/**
 * The sandbox gateway on a thread of its own, for `npm start`: Razorpay's work is not ours, and on one thread it took
 * a sixth of an order's CPU (routing, validation, its ledger, and a WHATWG request and response per call). The Razorpay
 * adapter reaches it through `fetch`, the front door's `/sandbox` through `app`, and its webhooks come back through
 * `webhookFetch` (the stack's front door), so everything else sees the same sandbox as in process.
 */
export function startSandboxThread(data: SandboxThreadData, webhookFetch: typeof fetch): SandboxThread {
  const entry = new URL('./sandbox-thread-worker.ts', import.meta.url).href;
  // the stack runs under tsx (`npm start`); the thread registers it before loading its TypeScript entry
  const worker = new Worker(
    `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(entry)}); });`,
    { eval: true, workerData: data },
  );
  let next = 0;
  const waiting = new Map<number, { resolve: (message: FromSandbox) => void; reject: (error: unknown) => void }>();
  let ended: Error | null = null;
  /** Asks the thread and waits for its answer, or until `signal` (the caller's deadline) aborts or the thread ends. */
  const ask = (message: ToSandbox & { id: number }, signal?: AbortSignal | null): Promise<FromSandbox> =>
    new Promise((resolve, reject) => {
      if (ended) return reject(ended);
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        waiting.delete(message.id);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      waiting.set(message.id, {
        resolve: (answer) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(answer);
        },
        reject,
      });
      worker.postMessage(message);
    });
  worker.on('message', (message: FromSandbox) => {
    if (message.kind === 'webhook') {
      void deliverWebhook(message.id, message.request);
      return;
    }
    const pending = waiting.get(message.id);
    waiting.delete(message.id);
    pending?.resolve(message);
  });
  // a thread that fails or ends fails what waits on it (a gateway call then reads as the gateway unreachable)
  const end = (error: Error) => {
    ended = error;
    for (const pending of waiting.values()) pending.reject(error);
    waiting.clear();
  };
  worker.on('error', (error: Error) => end(error));
  worker.on('exit', (code) => end(new Error(`the sandbox thread ended (exit code ${code})`)));
  async function deliverWebhook(id: number, request: WireRequest): Promise<void> {
    let response: WireResponse | null = null;
    try {
      const answer = await webhookFetch(request.url, {
        method: request.method,
        headers: request.headers as [string, string][],
        ...(request.body === null ? {} : { body: request.body }),
      });
      response = { status: answer.status, headers: [...answer.headers.entries()], body: await answer.text() };
    } catch {
      response = null;
    }
    worker.postMessage({ kind: 'webhook-answer', id, response } satisfies ToSandbox);
  }
  const call = async (wire: WireRequest, signal?: AbortSignal | null): Promise<Response> => {
    const answer = await ask({ kind: 'request', id: next++, request: wire }, signal);
    if (answer.kind !== 'response') throw new Error(`sandbox thread answered ${answer.kind} to a request`);
    return inProcessResponse(answer.response.status, answer.response.headers, answer.response.body);
  };
  const app = new Hono();
  app.all('*', async (c) => call(await toWire(c.req.raw)));
  return {
    app,
    fetch: (async (input: string | URL | Request, init?: RequestInit) =>
      call(await toWire(input, init), init?.signal)) as typeof fetch,
    async settle() {
      await ask({ kind: 'settle', id: next++ });
    },
    close() {
      worker.postMessage({ kind: 'close' } satisfies ToSandbox);
    },
    async terminate() {
      await worker.terminate();
    },
  };
}

/** A wire request as the sandbox's Hono app reads it. */
export function fromWire(request: WireRequest): Request {
  return inProcessRequest(request.url, {
    method: request.method,
    headers: new Headers(request.headers as [string, string][]),
    body: request.body,
  });
}
