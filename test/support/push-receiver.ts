import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One Pub/Sub push as the endpoint saw it, envelope decoded. */
export interface ReceivedPush {
  readonly messageId: string;
  readonly data: unknown;
  readonly attributes: Readonly<Record<string, string>>;
  readonly orderingKey: string | undefined;
  readonly subscription: string;
  readonly publishTime: string;
}

interface PushEnvelope {
  readonly message?: {
    readonly data?: string;
    readonly attributes?: Record<string, string>;
    readonly messageId?: string;
    readonly message_id?: string;
    readonly orderingKey?: string;
    readonly publishTime?: string;
  };
  readonly subscription?: string;
}

/**
 * A push endpoint for tests: decodes Pub/Sub's push envelope (base64 JSON `message.data`), records every delivery
 * (redeliveries included) and answers with `answer(push)`: 204 unless a test says otherwise. Ack with 200/204, not
 * 202: the Pub/Sub emulator treats 202 as a nack. Reachable in process (`dispatch`, for the memory bus) or over HTTP
 * on 127.0.0.1 (`listen`, for the emulator).
 */
export class PushReceiver {
  readonly pushes: ReceivedPush[] = [];
  /** Envelopes that did not decode (answered 400); a test asserts this stays empty. */
  readonly malformed: string[] = [];
  answer: (push: ReceivedPush) => number = () => 204;
  private server: Server | null = null;

  receive(body: string): number {
    let push: ReceivedPush;
    try {
      const envelope = JSON.parse(body) as PushEnvelope;
      const message = envelope.message;
      const messageId = message?.messageId ?? message?.message_id;
      if (!message || typeof messageId !== 'string') throw new Error('no message id');
      push = {
        messageId,
        data: JSON.parse(Buffer.from(message.data ?? '', 'base64').toString('utf8')),
        attributes: message.attributes ?? {},
        orderingKey: message.orderingKey || undefined,
        subscription: envelope.subscription ?? '',
        publishTime: message.publishTime ?? '',
      };
    } catch {
      this.malformed.push(body);
      return 400;
    }
    this.pushes.push(push);
    return this.answer(push);
  }

  dispatch = async (request: Request): Promise<Response> => {
    return new Response(null, { status: this.receive(await request.text()) });
  };

  /** Starts the HTTP endpoint on a free port; resolves to its URL. */
  listen(): Promise<string> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        res.statusCode = this.receive(Buffer.concat(chunks).toString('utf8'));
        res.end();
      });
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/push`);
      });
    });
  }

  close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}
