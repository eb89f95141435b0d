import { Hono } from 'hono';
import * as v from 'valibot';
import { AppError } from '../../shared/domain/errors.ts';
import { problem } from '../../shared/http/problem.ts';
import type { LocalIssuer } from './local-issuer.ts';

const CustomerId = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,64}$/));

/**
 * `/dev`: the development token issuer (`GET /dev/token?customerId=…`, `GET /dev/jwks.json`). Mounted by the embedded
 * stack and the emulator topology's front door; the Google runtime has no route to it.
 */
export function createDevRoutes(issuer: LocalIssuer): Hono {
  const dev = new Hono();
  dev.get('/token', async (c) => {
    const customerId = c.req.query('customerId') ?? '';
    if (!v.is(CustomerId, customerId)) {
      return problem(
        new AppError('validation', 'customerId: 1–64 letters, digits, _ or -', [
          { path: 'customerId', message: 'invalid' },
        ]),
      );
    }
    return c.json({ token: await issuer.customerToken(customerId), tokenType: 'Bearer', expiresIn: 3600 });
  });
  dev.get('/jwks.json', (c) => c.json(issuer.jwks));
  return dev;
}
