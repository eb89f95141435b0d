import { serve } from '@hono/node-server';
import { Hono } from 'hono';

/**
 * The baseline the bench compares with: a bare Hono handler per measured route, doing the same JSON in and out
 * (parse the body, answer a JSON object of about the same size) and nothing else. Its own process, like the stack.
 */
const app = new Hono();
app.post('/v1/orders', async (c) => {
  const body = (await c.req.json()) as { amount: number; currency: string };
  return c.json({ id: 'ord_bare', status: 'created', amount: body.amount, currency: body.currency }, 201);
});
app.post('/webhooks/razorpay', async (c) => {
  const body = (await c.req.json()) as { event: string };
  return c.json({ status: 'ok', event: body.event });
});
const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 0), hostname: '127.0.0.1' }, (info) => {
  console.log(JSON.stringify({ port: info.port }));
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
