/** What an in-process request is built from: a method, headers and a text body, as a client would send them. */
export interface InProcessRequestInit {
  readonly method: string;
  readonly headers?: Readonly<Record<string, string>> | Headers;
  readonly body?: string | null;
  /** The caller's deadline, if it set one; nothing in process reads it, so it is only kept. */
  readonly signal?: AbortSignal | null;
}

const FIELDS = Symbol('in-process request fields');

interface Fields {
  readonly url: string;
  readonly method: string;
  readonly init: InProcessRequestInit['headers'];
  readonly body: string | null;
  readonly signal: AbortSignal | null;
  headers?: Headers;
  used: boolean;
  real?: Request;
}

type Light = Request & { [FIELDS]: Fields };

/** The real WHATWG request, built on first need from what is left of the light one. */
function realOf(request: Light): Request {
  const f = request[FIELDS];
  f.real ??= new Request(f.url, {
    method: f.method,
    headers: headersOf(f),
    body: f.used ? null : f.body,
    ...(f.signal ? { signal: f.signal } : {}),
  });
  return f.real;
}

function headersOf(f: Fields): Headers {
  if (!f.headers) {
    f.headers = new Headers(f.init);
    if (f.body !== null) {
      // as an HTTP client sends a body it holds whole: its exact length (a body limit reads it instead of streaming the
      // body to measure it), and no chunked framing, which a forwarded request may still name
      f.headers.set('content-length', String(Buffer.byteLength(f.body)));
      f.headers.delete('transfer-encoding');
    }
  }
  return f.headers;
}

const used = () => Promise.reject(new TypeError('Body is unusable: it has already been read'));

function readBody<T>(request: Light, parse: (text: string) => T): Promise<T> {
  const f = request[FIELDS];
  // a body read here stays read, even once the real request exists (it was built without one)
  if (f.used) return used();
  if (f.real) return f.real.text().then(parse);
  f.used = true;
  try {
    return Promise.resolve(parse(f.body ?? ''));
  } catch (error) {
    return Promise.reject(error);
  }
}

const prototype = Object.create(Request.prototype) as Record<PropertyKey, unknown>;
Object.defineProperties(prototype, {
  url: {
    get: function (this: Light) {
      return this[FIELDS].url;
    },
  },
  method: {
    get: function (this: Light) {
      return this[FIELDS].method;
    },
  },
  headers: {
    get: function (this: Light) {
      return this[FIELDS].real?.headers ?? headersOf(this[FIELDS]);
    },
  },
  signal: {
    get: function (this: Light) {
      return this[FIELDS].signal ?? realOf(this).signal;
    },
  },
  bodyUsed: {
    get: function (this: Light) {
      return this[FIELDS].used || (this[FIELDS].real?.bodyUsed ?? false);
    },
  },
  text: {
    value: function (this: Light) {
      return readBody(this, (text) => text);
    },
  },
  json: {
    value: function (this: Light) {
      return readBody(this, (text) => JSON.parse(text) as unknown);
    },
  },
  arrayBuffer: {
    value: function (this: Light) {
      return readBody(this, (text) => {
        const bytes = Buffer.from(text);
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      });
    },
  },
});
// everything else a Request has is answered by the real one: rarely asked for, so rarely built
for (const key of [
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
]) {
  Object.defineProperty(prototype, key, {
    get: function (this: Light) {
      return (realOf(this) as unknown as Record<string, unknown>)[key];
    },
  });
}
for (const key of ['blob', 'bytes', 'clone', 'formData']) {
  Object.defineProperty(prototype, key, {
    value: function (this: Light, ...args: unknown[]) {
      if (this[FIELDS].used) {
        if (key === 'clone') throw new TypeError('Request.clone: the body has already been read');
        return used();
      }
      const real = realOf(this) as unknown as Record<string, (...a: unknown[]) => unknown>;
      return real[key]!.apply(real, args);
    },
  });
}

/**
 * A request handed from one part of the embedded stack to another (a task, a push, a scheduler job, a gateway call),
 * without WHATWG's construction cost: on Node 20 undici's `Request` parses the URL, builds an AbortSignal and a
 * transferable body stream up front, which was a sixth of an order's CPU. It is a `Request` (`instanceof` holds); the
 * URL, method, headers and text/JSON body are read from plain fields, and anything else (the signal, the body stream,
 * `clone`) builds the real request once and answers from it, as @hono/node-server's own lightweight request does.
 */
export function inProcessRequest(url: string, init: InProcessRequestInit): Request {
  const light = Object.create(prototype) as Light;
  light[FIELDS] = {
    url,
    method: init.method.toUpperCase(),
    init: init.headers,
    body: init.body ?? null,
    signal: init.signal ?? null,
    used: false,
  };
  return light;
}

const RESPONSE = Symbol('in-process response fields');

interface ResponseFields {
  readonly status: number;
  readonly init: Readonly<Record<string, string>> | readonly (readonly [string, string])[];
  readonly body: string | null;
  headers?: Headers;
  used: boolean;
  real?: Response;
}

type LightResponse = Response & { [RESPONSE]: ResponseFields };

/** Statuses a Response may not carry a body with. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

function realResponseOf(response: LightResponse): Response {
  const f = response[RESPONSE];
  f.real ??= new Response(f.used ? null : f.body, {
    status: f.status,
    headers: responseHeadersOf(f),
  });
  return f.real;
}

function responseHeadersOf(f: ResponseFields): Headers {
  f.headers ??= new Headers(f.init as ConstructorParameters<typeof Headers>[0]);
  return f.headers;
}

function readResponse<T>(response: LightResponse, parse: (text: string) => T): Promise<T> {
  const f = response[RESPONSE];
  if (f.used) return used();
  if (f.real) return f.real.text().then(parse);
  f.used = true;
  try {
    return Promise.resolve(parse(f.body ?? ''));
  } catch (error) {
    return Promise.reject(error);
  }
}

const responsePrototype = Object.create(Response.prototype) as Record<PropertyKey, unknown>;
Object.defineProperties(responsePrototype, {
  status: {
    get: function (this: LightResponse) {
      return this[RESPONSE].status;
    },
  },
  ok: {
    get: function (this: LightResponse) {
      return this[RESPONSE].status >= 200 && this[RESPONSE].status < 300;
    },
  },
  headers: {
    get: function (this: LightResponse) {
      return this[RESPONSE].real?.headers ?? responseHeadersOf(this[RESPONSE]);
    },
  },
  bodyUsed: {
    get: function (this: LightResponse) {
      return this[RESPONSE].used || (this[RESPONSE].real?.bodyUsed ?? false);
    },
  },
  text: {
    value: function (this: LightResponse) {
      return readResponse(this, (text) => text);
    },
  },
  json: {
    value: function (this: LightResponse) {
      return readResponse(this, (text) => JSON.parse(text) as unknown);
    },
  },
});
for (const key of ['body', 'redirected', 'statusText', 'type', 'url']) {
  Object.defineProperty(responsePrototype, key, {
    get: function (this: LightResponse) {
      return (realResponseOf(this) as unknown as Record<string, unknown>)[key];
    },
  });
}
for (const key of ['arrayBuffer', 'blob', 'bytes', 'clone', 'formData']) {
  Object.defineProperty(responsePrototype, key, {
    value: function (this: LightResponse, ...args: unknown[]) {
      if (this[RESPONSE].used) {
        if (key === 'clone') throw new TypeError('Response.clone: the body has already been read');
        return used();
      }
      const real = realResponseOf(this) as unknown as Record<string, (...a: unknown[]) => unknown>;
      return real[key]!.apply(real, args);
    },
  });
}

/**
 * An answer carried back from another thread (the embedded stack's sandbox gateway), as {@link inProcessRequest} carries
 * a request: the status, headers and text body from plain fields, and the real `Response` built only if something asks
 * for more (the body stream, when the front door writes a sandbox page to a socket).
 */
export function inProcessResponse(status: number, headers: ResponseFields['init'], body: string | null): Response {
  const light = Object.create(responsePrototype) as LightResponse;
  light[RESPONSE] = { status, init: headers, body: NULL_BODY_STATUSES.has(status) ? null : body, used: false };
  return light;
}
