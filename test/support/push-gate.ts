import { createServer, type IncomingMessage } from 'node:http';

/** The event inside a Pub/Sub push envelope. */
export interface PushedEvent {
  readonly id: string;
  readonly type: string;
  readonly orderId: string;
}

/**
 * A Pub/Sub push endpoint in front of a subscriber: each push goes on to `target` and its answer back, except the one
 * a trap catches, whose answer is kept from Pub/Sub (the subscriber did the work; the acknowledgement never arrives)
 * while `onAnswered` runs, e.g. to kill the subscriber.
 */
export interface PushGate {
  readonly url: string;
  target: string | null;
  /** Catches the next push whose event `match`es; resolves with the subscriber's status once `onAnswered` is done. */
  trap(match: (event: PushedEvent) => boolean, onAnswered: () => Promise<void>): Promise<number>;
  /** Pushes of the event answered 2xx to Pub/Sub (acknowledged) and pushes of it seen at all. */
  count(eventId: string): { readonly acknowledged: number; readonly seen: number };
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function eventOf(body: string): PushedEvent | null {
  try {
    const envelope = JSON.parse(body) as { message?: { data?: string } };
    return JSON.parse(Buffer.from(envelope.message?.data ?? '', 'base64').toString('utf8')) as PushedEvent;
  } catch {
    return null;
  }
}

export async function pushGate(): Promise<PushGate> {
  let trap: { match: (e: PushedEvent) => boolean; onAnswered: () => Promise<void>; done: (s: number) => void } | null =
    null;
  const counts = new Map<string, { acknowledged: number; seen: number }>();
  const gate: PushGate = {
    url: '',
    target: null,
    trap(match, onAnswered) {
      return new Promise((done) => {
        trap = { match, onAnswered, done };
      });
    },
    count: (eventId) => counts.get(eventId) ?? { acknowledged: 0, seen: 0 },
    close: async () => undefined,
  };
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const event = eventOf(body);
    const count = event ? (counts.get(event.id) ?? { acknowledged: 0, seen: 0 }) : null;
    if (event && count) counts.set(event.id, { ...count, seen: count.seen + 1 });
    const caught = event && trap?.match(event) ? trap : null;
    if (caught) trap = null;
    let status = 502;
    let answer = '';
    try {
      const forwarded = await fetch(`${gate.target}${req.url}`, {
        method: req.method ?? 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
        body,
      });
      status = forwarded.status;
      answer = await forwarded.text();
    } catch {
      // the subscriber is down: Pub/Sub sees a failed push and redelivers
    }
    if (caught) {
      await caught.onAnswered();
      res.socket?.destroy();
      caught.done(status);
      return;
    }
    if (event && status >= 200 && status < 300) {
      const c = counts.get(event.id)!;
      counts.set(event.id, { ...c, acknowledged: c.acknowledged + 1 });
    }
    res.writeHead(status, { 'content-type': 'application/json' }).end(answer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the gate has no port');
  return Object.assign(gate, {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}
