import { Hono } from 'hono';
import { AppError } from '../../shared/domain/errors.ts';
import { problem } from '../../shared/http/problem.ts';
import { JOB_ROUTES, PUSH_ROUTES, TASK_ROUTES } from '../../shared/http/routes.ts';
import type { Logger } from '../../shared/ports/logger.ts';
import { findService, jobTarget, SERVICES, type ServiceDefinition, taskTarget } from './catalogue.ts';

export interface FrontDoorOptions {
  /** Sends a request, its path unchanged, to a service (in process, or over HTTP to its own server). */
  readonly forward: (service: ServiceDefinition, request: Request) => Response | Promise<Response>;
  /**
   * Also route the internal deliveries (tasks, jobs, and pushes as `/pubsub/<service>/<topic>`): only where every
   * service shares this one host (the embedded stack). Elsewhere each service is reached at its own URL.
   */
  readonly internal: boolean;
  /** Development surfaces mounted beside the product (`/dev`, `/sandbox`); never on Google Cloud. */
  readonly mounts?: Readonly<Record<string, (request: Request) => Response | Promise<Response>>>;
  /** What `GET /` answers (JSON). */
  readonly index?: () => unknown;
  /** Where an unexpected error is logged (one structured line); it is answered with a generic problem. */
  readonly logger?: Logger;
  /** An HTML page `GET /` answers instead to clients that accept HTML (browsers): the development demo. */
  readonly page?: () => string;
}

/**
 * The front door, as the load balancer routes it: each service's public paths from the catalogue, plus what the
 * runtime mounts beside them. A path from the URL is looked up by value in the catalogue, never as an object key.
 */
export function createFrontDoor(options: FrontDoorOptions): Hono {
  const front = new Hono();
  // anything unexpected: one structured line, and a generic problem without a stack trace
  front.onError((error, c) => {
    options.logger?.log('ERROR', 'front door: unhandled error', { error, path: new URL(c.req.url).pathname });
    return problem(new AppError('internal', 'something went wrong; it has been logged'));
  });
  if (options.index || options.page) {
    front.get('/', (c) => {
      const wantsHtml = /\btext\/html\b/.test(c.req.header('accept') ?? '');
      if (options.page && (wantsHtml || !options.index)) return c.html(options.page());
      return c.json(options.index!());
    });
  }
  front.get('/healthz', (c) => c.json({ ok: true }));
  for (const [prefix, fetch] of Object.entries(options.mounts ?? {})) front.mount(prefix, fetch);
  for (const service of SERVICES) {
    for (const path of service.publicPaths) front.all(path, (c) => options.forward(service, c.req.raw));
  }
  if (options.internal) {
    for (const [queue, path] of Object.entries(TASK_ROUTES)) {
      const target = taskTarget(queue as keyof typeof TASK_ROUTES);
      front.post(path, (c) => options.forward(target, c.req.raw));
    }
    for (const [job, path] of Object.entries(JOB_ROUTES)) {
      const target = jobTarget(job as keyof typeof JOB_ROUTES);
      front.post(path, (c) => options.forward(target, c.req.raw));
    }
    for (const [topic, path] of Object.entries(PUSH_ROUTES)) {
      front.post(`/pubsub/:service/${topic}`, (c) => {
        const service = findService(c.req.param('service'));
        if (!service?.subscribes.includes(topic as keyof typeof PUSH_ROUTES)) {
          return problem(new AppError('not-found', 'no such subscriber'));
        }
        const url = new URL(c.req.url);
        url.pathname = path;
        return options.forward(service, new Request(url, c.req.raw));
      });
    }
  }
  front.notFound((c) =>
    problem(new AppError('not-found', `no route for ${c.req.method} ${new URL(c.req.url).pathname}`)),
  );
  return front;
}
