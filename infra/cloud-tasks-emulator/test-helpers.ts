/** Shared by this folder's tests: the emulator with an unmodified client, a recording HTTP target, polling. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudSchedulerClient } from '@google-cloud/scheduler';
import { CloudTasksClient, type protos } from '@google-cloud/tasks';
import { credentials, status } from '@grpc/grpc-js';
import { PassThroughClient } from 'google-auth-library';
import { type CloudTasksEmulator, type CloudTasksEmulatorOptions, startCloudTasksEmulator } from './emulator.ts';

export const LOCATION = 'projects/test-project/locations/asia-south1';

export interface Harness {
  readonly emulator: CloudTasksEmulator;
  readonly client: CloudTasksClient;
  /** Creates `LOCATION/queues/<id>` with the given RetryConfig and returns its name. */
  createQueue(id: string, retryConfig?: protos.google.cloud.tasks.v2.IRetryConfig): Promise<string>;
  stop(): Promise<void>;
}

/** The emulator plus the stock CloudTasksClient pointed at it exactly as a service would be (see README). */
export async function startHarness(options: CloudTasksEmulatorOptions = {}): Promise<Harness> {
  const emulator = await startCloudTasksEmulator(options);
  const client = new CloudTasksClient({
    apiEndpoint: '127.0.0.1',
    port: emulator.grpcPort,
    sslCreds: credentials.createInsecure(),
    universeDomain: 'googleapis.com',
  });
  return {
    emulator,
    client,
    async createQueue(id, retryConfig) {
      const [queue] = await client.createQueue({
        parent: LOCATION,
        queue: { name: `${LOCATION}/queues/${id}`, ...(retryConfig ? { retryConfig } : {}) },
      });
      return queue.name!;
    },
    async stop() {
      await client.close();
      await emulator.stop();
    },
  };
}

/** Resolves once GetTask answers NOT_FOUND: the task completed, gave up, or was deleted. */
export function taskGone(client: CloudTasksClient, name: string): Promise<true> {
  return eventually(() =>
    client.getTask({ name }).then(
      () => false,
      (error: { code?: number }) => error.code === status.NOT_FOUND,
    ),
  );
}

/** Seconds + nanos for a proto Duration/Timestamp from milliseconds. */
export const protoMs = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: Math.round((ms % 1000) * 1e6) });

/** Resolves to the gRPC status code the promise rejects with (or fails the test if it resolves). */
export async function grpcCode(promise: Promise<unknown>): Promise<number | undefined> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: number }).code;
  }
  throw new Error('expected the call to fail');
}

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  readonly receivedAtMs: number;
}

export interface TestTarget {
  readonly baseUrl: string;
  readonly requests: ReceivedRequest[];
  /** Requests whose path is `path`. */
  at(path: string): ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1:0 that records every request and answers with `respond(request, countSoFarOnPath)`
 * (default 200), so a test can script "500, then 404, then 200".
 */
export async function startTarget(
  respond: (request: ReceivedRequest, previousOnPath: number) => number = () => 200,
): Promise<TestTarget> {
  const requests: ReceivedRequest[] = [];
  const at = (path: string) => requests.filter((r) => r.path === path);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: ReceivedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        receivedAtMs: Date.now(),
      };
      const previous = at(request.path).length;
      requests.push(request);
      res.writeHead(respond(request, previous), { 'content-type': 'text/plain' }).end('done');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    at,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Polls until `check` returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 5000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export type Transport = 'grpc' | 'rest';
type GaxOptions = NonNullable<ConstructorParameters<typeof CloudSchedulerClient>[0]>;

/**
 * Options for an unmodified Google client against the emulator (see README): plaintext gRPC on the gRPC port, or
 * google-gax's REST transport (`fallback: 'rest'`) on the HTTP port. The REST auth client sends no credentials and
 * lets non-2xx answers through, so gax turns Google's error JSON into a GoogleError with the gRPC code.
 */
export function clientOptions(emulator: CloudTasksEmulator, transport: Transport): GaxOptions {
  return transport === 'grpc'
    ? {
        apiEndpoint: '127.0.0.1',
        port: emulator.grpcPort,
        sslCreds: credentials.createInsecure(),
        universeDomain: 'googleapis.com',
      }
    : {
        fallback: 'rest' as const,
        apiEndpoint: '127.0.0.1',
        port: emulator.httpPort,
        protocol: 'http',
        // google-gax pins its own google-auth-library copy; the class is the same, the TypeScript identity is not.
        authClient: new PassThroughClient({
          transporterOptions: { validateStatus: () => true },
        }) as unknown as GaxOptions['authClient'],
        universeDomain: 'googleapis.com',
      };
}

/** The stock CloudSchedulerClient over the given transport. */
export function schedulerClient(emulator: CloudTasksEmulator, transport: Transport): CloudSchedulerClient {
  return new CloudSchedulerClient(clientOptions(emulator, transport));
}

/** The stock CloudTasksClient over the given transport. */
export function tasksClient(emulator: CloudTasksEmulator, transport: Transport): CloudTasksClient {
  return new CloudTasksClient(clientOptions(emulator, transport));
}
