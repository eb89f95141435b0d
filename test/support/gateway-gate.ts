import { type ServerType, serve } from '@hono/node-server';

/**
 * An HTTP stand-in for the sandbox gateway's address, given to one service: every request goes on to `target`, except
 * that a trap can hold the calls it matches, so the service is stopped at an exact point of its work (its gateway
 * read sent, no answer yet).
 */
export interface GatewayGate {
  readonly url: string;
  /** Where requests go on to (the sandbox app, set once the topology is up). */
  target: ((request: Request) => Response | Promise<Response>) | null;
  /**
   * Lets the first `pass` requests whose path `match`es through, then holds every later one until `release`.
   * `reached` resolves with the first held path; `passed` counts those let through.
   */
  trap(match: (path: string) => boolean, pass?: number): { readonly reached: Promise<string>; passed(): number };
  /** Ends the trap: held requests are answered 503 (their caller is gone by then), later ones pass. */
  release(): void;
  close(): Promise<void>;
}

export async function gatewayGate(): Promise<GatewayGate> {
  let trap: { match: (path: string) => boolean; pass: number; passed: number; reached: (path: string) => void } | null =
    null;
  let released: () => void = () => undefined;
  let held = Promise.resolve();
  const gate: GatewayGate = {
    url: '',
    target: null,
    trap(match, pass = 0) {
      let reached: (path: string) => void = () => undefined;
      const promise = new Promise<string>((resolve) => {
        reached = resolve;
      });
      held = new Promise<void>((resolve) => {
        released = resolve;
      });
      const state = { match, pass, passed: 0, reached };
      trap = state;
      return { reached: promise, passed: () => state.passed };
    },
    release() {
      trap = null;
      released();
    },
    close: async () => undefined,
  };
  const server: ServerType = await new Promise((resolve) => {
    const s = serve(
      {
        port: 0,
        hostname: '127.0.0.1',
        fetch: async (request) => {
          const path = new URL(request.url).pathname;
          const active = trap;
          if (active?.match(path)) {
            if (active.passed < active.pass) active.passed += 1;
            else {
              active.reached(path);
              await held;
              return new Response('held by the crash test', { status: 503 });
            }
          }
          if (!gate.target) return new Response('no gateway yet', { status: 503 });
          return gate.target(request);
        },
      },
      () => resolve(s),
    );
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the gate has no port');
  return Object.assign(gate, {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        gate.release();
        server.close(() => resolve());
      }),
  });
}
