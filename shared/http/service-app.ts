import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { AppError } from '../domain/errors.ts';
import type { Logger } from '../ports/logger.ts';
import { bodyLimit } from './body-limit.ts';
import type { AppEnv } from './env.ts';
import { transportError } from './error-status.ts';
import { problem, toProblem } from './problem.ts';

export interface ServiceAppOptions {
  readonly name: string;
  readonly logger: Logger;
  readonly bodyLimitBytes: number;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/;

/**
 * Sets `X-Request-Id` on the response's own headers: `c.header` after the handler would copy every response. A
 * response whose headers are immutable (a `fetch` result, `Response.redirect`) is answered by a copy instead.
 */
function setRequestId(res: Response, requestId: string, replace: (copy: Response) => void): void {
  try {
    res.headers.set('x-request-id', requestId);
  } catch {
    const copy = new Response(res.body, res);
    copy.headers.set('x-request-id', requestId);
    replace(copy);
  }
}

/**
 * The frame every service's app is built in: a request id (taken from `X-Request-Id` when sane), a request-scoped
 * structured logger, security headers, a body size limit checked before the body is read (Content-Length, then the
 * stream as it arrives), problem+json for every error (a generic 500 for anything unexpected), and a JSON 404 for
 * unknown routes.
 */
export function createServiceApp(options: ServiceAppOptions): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use(async (c, next) => {
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const logger = options.logger.child({ service: options.name, requestId });
    c.set('requestId', requestId);
    c.set('logger', logger);
    const started = performance.now();
    await next();
    setRequestId(c.res, requestId, (copy) => {
      c.res = copy;
    });
    logger.log(c.res.status >= 500 ? 'ERROR' : 'INFO', 'request', {
      httpRequest: {
        requestMethod: c.req.method,
        requestUrl: c.req.path,
        status: c.res.status,
        latency: `${((performance.now() - started) / 1000).toFixed(3)}s`,
      },
    });
  });
  app.use(
    bodyLimit(options.bodyLimitBytes, () => {
      throw transportError('payload-too-large', `the body exceeds ${options.bodyLimitBytes} bytes`);
    }),
  );
  // Cloud Run's startup and liveness probes, and the local topology's readiness wait
  app.get('/healthz', (c) => c.json({ ok: true, service: options.name }));
  app.onError((error, c) => toProblem(error, c, options.logger));
  app.notFound((c) =>
    problem(new AppError('not-found', `no route for ${c.req.method} ${new URL(c.req.url).pathname}`)),
  );
  return app;
}
