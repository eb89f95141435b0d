import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { status } from '@grpc/grpc-js';
import type { JSONWebKeySet } from 'jose';
import { ApiError } from './api-error.ts';
import type { LogSink } from './log.ts';
import { errorResponse, type RestRequest, type RestResponse } from './rest-gateway.ts';

export interface HttpServer {
  readonly port: number;
  close(): Promise<void>;
}

export interface HttpServerOptions {
  readonly host: string;
  readonly port: number;
  readonly jwks: JSONWebKeySet;
  /** Known only once the port is, hence a function. */
  readonly discovery: () => { issuer: string; jwksUrl: string };
  /** The HTML status page. */
  readonly page: () => string;
  /** The REST surface of the APIs (and the Locations API); undefined = no such route. */
  readonly rest: (request: RestRequest) => RestResponse | undefined;
  readonly log: LogSink;
}

/** Larger than any valid request (tasks carry at most 1 MiB of body, base64-encoded in JSON). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/**
 * The emulator's HTTP port:
 *   GET /                                   status page (queues, tasks, jobs)
 *   GET /jwks.json                          the JSON Web Key Set (what `createRemoteJWKSet` fetches)
 *   GET /.well-known/openid-configuration   a minimal discovery document pointing at it
 *   /v2/… and /v1/…                         Cloud Tasks and Cloud Scheduler over HTTP/JSON (what gcloud speaks)
 * Anything else gets Google's JSON 404; a request never hangs and garbage never takes the server down.
 */
export async function startHttpServer(options: HttpServerOptions): Promise<HttpServer> {
  const server: Server = createServer((req, res) => {
    handle(req, res, options).catch((error: unknown) => {
      options.log({ severity: 'ERROR', message: 'HTTP request failed', error: String(error) });
      if (!res.headersSent) send(res, errorResponse(error));
      else res.destroy();
    });
  });
  // Malformed HTTP (binary garbage, oversized headers): answer 400 if the socket still can, never crash.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, options: HttpServerOptions): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const method = req.method ?? 'GET';
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    return send(res, errorResponse(new ApiError(status.INVALID_ARGUMENT, 'Malformed percent-encoding in path')));
  }
  const read = method === 'GET' || method === 'HEAD';
  if (read && path === '/') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(options.page());
    return;
  }
  if (read && path === '/jwks.json') return json(res, 200, options.jwks, 'public, max-age=60');
  if (read && path === '/.well-known/openid-configuration') {
    const { issuer, jwksUrl } = options.discovery();
    return json(
      res,
      200,
      {
        issuer,
        jwks_uri: jwksUrl,
        id_token_signing_alg_values_supported: ['RS256'],
        subject_types_supported: ['public'],
        response_types_supported: ['id_token'],
        claims_supported: ['aud', 'azp', 'email', 'email_verified', 'exp', 'iat', 'iss', 'sub'],
      },
      'public, max-age=60',
    );
  }
  const body = await readBody(req);
  if (body === undefined) {
    return send(res, errorResponse(new ApiError(status.INVALID_ARGUMENT, 'Request body too large')));
  }
  const answer =
    options.rest({ method, path, query: url.searchParams, body }) ??
    errorResponse(new ApiError(status.NOT_FOUND, `The requested URL ${path} was not found on this server.`));
  send(res, answer);
}

/** The body as text, or undefined when it exceeds the limit (the rest is discarded, not buffered). */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, response: RestResponse): void {
  json(res, response.status, response.json, 'no-store');
}

function json(res: ServerResponse, statusCode: number, body: unknown, cacheControl: string): void {
  res.writeHead(statusCode, { 'content-type': 'application/json; charset=UTF-8', 'cache-control': cacheControl });
  res.end(JSON.stringify(body));
}
