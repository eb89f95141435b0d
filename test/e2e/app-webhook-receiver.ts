import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Stands in for the app's backend: verifies each signed notification webhook and answers what a test says. */
export class AppWebhookReceiver {
  readonly received: { body: any; signatureValid: boolean; deliveryId: string }[] = [];
  /** Status to answer for the n-th request (0-based) and its parsed body; default 204. */
  answer: (n: number, body: any) => number = () => 204;
  private server: Server | null = null;

  constructor(readonly secret: string) {}

  async listen(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        const header = String(req.headers['x-payments-signature'] ?? '');
        const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
        const expected = match ? createHmac('sha256', this.secret).update(`${match[1]}.${body}`).digest() : null;
        const signatureValid = !!(match && expected && timingSafeEqual(expected, Buffer.from(match[2]!, 'hex')));
        const parsed = JSON.parse(body);
        const status = this.answer(this.received.length, parsed);
        this.received.push({
          body: parsed,
          signatureValid,
          deliveryId: String(req.headers['x-payments-delivery-id']),
        });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/payments-webhook`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
