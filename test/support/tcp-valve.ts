import { connect, createServer, type Socket } from 'node:net';

/** A TCP proxy that can stop passing bytes on: put between one process and a server to freeze its calls there. */
export interface TcpValve {
  /** `127.0.0.1:port`, to give the process instead of the server's address. */
  readonly host: string;
  /** From now on, bytes either way are kept back (new connections too) until `release`. */
  hold(): void;
  /** Passes on what was kept back (to connections still open) and everything after. */
  release(): void;
  /** Bytes the process sent since the last `hold`: non-zero once a held call has been made. */
  readonly heldBytes: number;
  close(): Promise<void>;
}

interface Leg {
  readonly from: Socket;
  readonly to: Socket;
  readonly kept: Buffer[];
}

/**
 * Opens a valve in front of `target` (`host:port`). A connection that closes on one side is closed on the other and
 * what was kept back for it is dropped: a killed process's unsent call never reaches the server.
 */
export async function tcpValve(target: string): Promise<TcpValve> {
  const colon = target.lastIndexOf(':');
  const targetHost = target.slice(0, colon).replace(/^\[(.*)\]$/, '$1');
  const targetPort = Number(target.slice(colon + 1));
  let held = false;
  let heldBytes = 0;
  const legs = new Set<Leg>();
  const sockets = new Set<Socket>();
  const pass = (leg: Leg, countsAsCall: boolean) => {
    leg.from.on('data', (chunk: Buffer) => {
      if (!held) {
        leg.to.write(chunk);
        return;
      }
      if (countsAsCall) heldBytes += chunk.length;
      leg.kept.push(chunk);
    });
  };
  const server = createServer((client) => {
    const upstream = connect(targetPort, targetHost);
    sockets.add(client);
    sockets.add(upstream);
    const up: Leg = { from: client, to: upstream, kept: [] };
    const down: Leg = { from: upstream, to: client, kept: [] };
    legs.add(up);
    legs.add(down);
    pass(up, true);
    pass(down, false);
    const end = () => {
      legs.delete(up);
      legs.delete(down);
      up.kept.length = 0;
      down.kept.length = 0;
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const s of [client, upstream]) {
      s.on('close', end);
      s.on('error', end);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the valve has no port');
  return {
    host: `127.0.0.1:${address.port}`,
    hold() {
      held = true;
      heldBytes = 0;
    },
    release() {
      held = false;
      for (const leg of legs) {
        for (const chunk of leg.kept.splice(0)) leg.to.write(chunk);
      }
    },
    get heldBytes() {
      return heldBytes;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
