/** What an in-process request is built from: a method, headers and a text body, as a client would send them. */
export interface InProcessRequestInit {
  readonly method: string;
  readonly headers?: Readonly<Record<string, string>> | Headers;
  readonly body?: string | null;
  /** The caller's deadline, if it set one; nothing in process reads it, so it is only kept. */
  readonly signal?: AbortSignal | null;
}

type HeadersInit = ConstructorParameters<typeof Headers>[0];

/** What a light request or response holds: its own fields, a text body read at most once, the real object once built. */
interface State<Real extends Request | Response> {
  readonly body: string | null;
  readonly headersInit: HeadersInit;
  headers?: Headers;
  used: boolean;
  real?: Real;
}

const STATE = Symbol('in-process message');
type Light<Real extends Request | Response, S extends State<Real>> = Real & { [STATE]: S };

const alreadyRead = () => Promise.reject(new TypeError('Body is unusable: it has already been read'));

/**
 * The prototype of a light `Request` or `Response`: `own` answers from the light object's fields; the text body is
 * read once from its field (and stays read once the real object exists, built without it); every other member
 * builds the real object with `build` and answers from it, rarely asked for, so rarely built.
 */
function lightPrototype<Real extends Request | Response, S extends State<Real>>(options: {
  readonly base: Real;
  readonly build: (state: S) => Real;
  readonly headers: (state: S) => Headers;
  readonly own: (realOf: (light: Light<Real, S>) => Real) => PropertyDescriptorMap;
  readonly realGetters: readonly string[];
  readonly realMethods: readonly string[];
}): object {
  const realOf = (light: Light<Real, S>): Real => {
    const state = light[STATE];
    state.real ??= options.build(state);
    return state.real;
  };
  const read = <T>(light: Light<Real, S>, parse: (text: string) => T): Promise<T> => {
    const state = light[STATE];
    if (state.used) return alreadyRead();
    if (state.real) return state.real.text().then(parse);
    state.used = true;
    try {
      return Promise.resolve(parse(state.body ?? ''));
    } catch (error) {
      return Promise.reject(error);
    }
  };
  const prototype = Object.create(options.base) as object;
  Object.defineProperties(prototype, {
    ...options.own(realOf),
    headers: {
      get(this: Light<Real, S>) {
        return this[STATE].real?.headers ?? options.headers(this[STATE]);
      },
    },
    bodyUsed: {
      get(this: Light<Real, S>) {
        return this[STATE].used || (this[STATE].real?.bodyUsed ?? false);
      },
    },
    text: {
      value(this: Light<Real, S>) {
        return read(this, (text) => text);
      },
    },
    json: {
      value(this: Light<Real, S>) {
        return read(this, (text) => JSON.parse(text) as unknown);
      },
    },
    arrayBuffer: {
      value(this: Light<Real, S>) {
        return read(this, (text) => {
          const bytes = Buffer.from(text);
          return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
        });
      },
    },
  });
  for (const key of options.realGetters) {
    Object.defineProperty(prototype, key, {
      get(this: Light<Real, S>) {
        return (realOf(this) as unknown as Record<string, unknown>)[key];
      },
    });
  }
  for (const key of options.realMethods) {
    Object.defineProperty(prototype, key, {
      value(this: Light<Real, S>, ...args: unknown[]) {
        if (this[STATE].used) {
          if (key === 'clone') throw new TypeError('clone: the body has already been read');
          return alreadyRead();
        }
        const real = realOf(this) as unknown as Record<string, (...a: unknown[]) => unknown>;
        return real[key]!.apply(real, args);
      },
    });
  }
  return prototype;
}

interface RequestState extends State<Request> {
  readonly url: string;
  readonly method: string;
  readonly signal: AbortSignal | null;
}

function requestHeaders(state: RequestState): Headers {
  if (!state.headers) {
    state.headers = new Headers(state.headersInit);
    if (state.body !== null) {
      // as an HTTP client sends a body it holds whole: its exact length (a body limit reads it instead of streaming the
      // body to measure it), and no chunked framing, which a forwarded request may still name
      state.headers.set('content-length', String(Buffer.byteLength(state.body)));
      state.headers.delete('transfer-encoding');
    }
  }
  return state.headers;
}

const requestPrototype = lightPrototype<Request, RequestState>({
  base: Request.prototype,
  build: (state) =>
    new Request(state.url, {
      method: state.method,
      headers: requestHeaders(state),
      body: state.used ? null : state.body,
      ...(state.signal ? { signal: state.signal } : {}),
    }),
  headers: requestHeaders,
  own: (realOf) => ({
    url: {
      get(this: Light<Request, RequestState>) {
        return this[STATE].url;
      },
    },
    method: {
      get(this: Light<Request, RequestState>) {
        return this[STATE].method;
      },
    },
    signal: {
      get(this: Light<Request, RequestState>) {
        return this[STATE].signal ?? realOf(this).signal;
      },
    },
  }),
  realGetters: [
    'body',
    'cache',
    'credentials',
    'destination',
    'duplex',
    'integrity',
    'keepalive',
    'mode',
    'redirect',
    'referrer',
    'referrerPolicy',
  ],
  realMethods: ['blob', 'bytes', 'clone', 'formData'],
});

/**
 * A request handed from one part of the embedded stack to another (a task, a push, a scheduler job, a gateway call),
 * without WHATWG's construction cost: on Node 20 undici's `Request` parses the URL, builds an AbortSignal and a
 * transferable body stream up front, which was a sixth of an order's CPU. It is a `Request` (`instanceof` holds); the
 * URL, method, headers and text/JSON body are read from plain fields, and anything else (the body stream, `clone`)
 * builds the real request once and answers from it, as @hono/node-server's own lightweight request does.
 */
export function inProcessRequest(url: string, init: InProcessRequestInit): Request {
  const light = Object.create(requestPrototype) as Light<Request, RequestState>;
  light[STATE] = {
    url,
    method: init.method.toUpperCase(),
    headersInit: init.headers,
    body: init.body ?? null,
    signal: init.signal ?? null,
    used: false,
  };
  return light;
}

interface ResponseState extends State<Response> {
  readonly status: number;
}

/** Statuses a Response may not carry a body with. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

const responseHeaders = (state: ResponseState): Headers => {
  state.headers ??= new Headers(state.headersInit);
  return state.headers;
};

const responsePrototype = lightPrototype<Response, ResponseState>({
  base: Response.prototype,
  build: (state) =>
    new Response(state.used ? null : state.body, { status: state.status, headers: responseHeaders(state) }),
  headers: responseHeaders,
  own: () => ({
    status: {
      get(this: Light<Response, ResponseState>) {
        return this[STATE].status;
      },
    },
    ok: {
      get(this: Light<Response, ResponseState>) {
        return this[STATE].status >= 200 && this[STATE].status < 300;
      },
    },
  }),
  realGetters: ['body', 'redirected', 'statusText', 'type', 'url'],
  realMethods: ['blob', 'bytes', 'clone', 'formData'],
});

/**
 * An answer carried back from another thread (the embedded stack's sandbox gateway), as {@link inProcessRequest} carries
 * a request: the status, headers and text body from plain fields, and the real `Response` built only if something asks
 * for more (the body stream, when the front door writes a sandbox page to a socket).
 */
export function inProcessResponse(
  status: number,
  headers: Readonly<Record<string, string>> | readonly (readonly [string, string])[],
  body: string | null,
): Response {
  const light = Object.create(responsePrototype) as Light<Response, ResponseState>;
  light[STATE] = {
    status,
    headersInit: headers as HeadersInit,
    body: NULL_BODY_STATUSES.has(status) ? null : body,
    used: false,
  };
  return light;
}
