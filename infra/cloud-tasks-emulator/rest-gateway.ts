import { status } from '@grpc/grpc-js';
import { fromProto3JSON, type JSONValue, toProto3JSON } from 'proto3-json-serializer';
import type protobuf from 'protobufjs';
import { ApiError, httpErrorOf, invalidArgument } from './api-error.ts';
import type { ApiService } from './api-handlers.ts';
import type { LogSink } from './log.ts';
import { MESSAGE_SHAPE } from './proto.ts';
import { type RestRoute, routesOf } from './rest-routes.ts';

/** A REST request as the HTTP server hands it over: path already percent-decoded, body not yet parsed. */
export interface RestRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly body: string;
}

export interface RestResponse {
  readonly status: number;
  readonly json: unknown;
}

/** Standard query parameters of Google's JSON APIs (`alt=json`, `prettyPrint`, …): accepted and ignored. */
const SYSTEM_PARAMS = new Set([
  'alt',
  '$alt',
  'prettyPrint',
  'key',
  'fields',
  '$.xgafv',
  'access_token',
  'callback',
  'quotaUser',
  'upload_protocol',
  'uploadType',
]);

/**
 * HTTP/JSON transcoding onto the same handlers gRPC calls: the request is built from path variables, query
 * parameters and body per the method's `google.api.http` rule, read with the proto3 JSON mapping (camelCase,
 * durations "10s", RFC 3339 timestamps, base64 bytes, enum names) and the answer written back the same way.
 * Returns undefined when no route matches, so the caller can answer its own paths or a 404.
 */
export function createRestGateway(
  apis: readonly { readonly service: protobuf.Service; readonly api: ApiService }[],
  log: LogSink,
): (request: RestRequest) => RestResponse | undefined {
  const routes = apis
    .flatMap(({ service, api }) => routesOf(service).map((route) => ({ route, api })))
    // Custom verbs first, so `/queues/q:pause` is never read as a queue named "q:pause".
    .sort((a, b) => Number(hasCustomVerb(b.route)) - Number(hasCustomVerb(a.route)));

  return (request) => {
    let pathMatched = false;
    for (const { route, api } of routes) {
      const match = route.pattern.exec(request.path);
      if (!match) continue;
      pathMatched = true;
      if (route.verb !== request.method) continue;
      const handler = api.handlers[route.method];
      if (!handler) return errorResponse(new ApiError(status.UNIMPLEMENTED, `${route.method} is not implemented`));
      try {
        const message = handler(requestMessage(route, match.slice(1), request));
        const reply = toProto3JSON(route.responseType.fromObject(message as Record<string, unknown>));
        return { status: 200, json: reply ?? {} };
      } catch (error) {
        if (!(error instanceof ApiError)) {
          log({ severity: 'ERROR', message: 'internal error', method: route.method, error: String(error) });
        }
        return errorResponse(error);
      }
    }
    return pathMatched
      ? errorResponse(new ApiError(status.NOT_FOUND, `Method ${request.method} not allowed on ${request.path}`))
      : undefined;
  };
}

/** Google's error body: `{"error": {"code": 404, "message": "...", "status": "NOT_FOUND"}}`. */
export function errorResponse(error: unknown): RestResponse {
  const apiError =
    error instanceof ApiError ? error : new ApiError(status.INTERNAL, `Internal error: ${String(error)}`);
  const { httpStatus, statusName } = httpErrorOf(apiError.code);
  return { status: httpStatus, json: { error: { code: httpStatus, message: apiError.message, status: statusName } } };
}

function hasCustomVerb(route: RestRoute): boolean {
  return /:[a-zA-Z]+\$$/.test(route.pattern.source);
}

function requestMessage(route: RestRoute, captures: string[], request: RestRequest): Record<string, unknown> {
  let body: unknown = {};
  if (route.body && request.body.trim() !== '') {
    try {
      body = JSON.parse(request.body);
    } catch {
      throw invalidArgument('Invalid JSON payload received.');
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw invalidArgument('Invalid JSON payload received: expected an object.');
    }
  }
  const json: Record<string, unknown> =
    route.body === '*' ? { ...(body as object) } : route.body ? { [route.body]: body } : {};
  for (const [key, value] of request.query) {
    if (SYSTEM_PARAMS.has(key)) continue;
    setField(json, route.requestType, key.split('.').map(camel), value);
  }
  route.bindings.forEach((field, index) => {
    setField(json, route.requestType, field.split('.').map(camel), captures[index]!, true);
  });
  assertKnownFields(route.requestType, json, '');
  let message: protobuf.Message | null;
  try {
    message = fromProto3JSON(route.requestType, json as JSONValue);
  } catch (error) {
    throw invalidArgument(`Invalid JSON payload received. ${error instanceof Error ? error.message : ''}`.trim());
  }
  return route.requestType.toObject(message ?? route.requestType.create({}), MESSAGE_SHAPE);
}

/**
 * Like Google's front end (and unlike a lenient JSON reader), refuses names the message does not have:
 * `Invalid JSON payload received. Unknown name "x" at 'queue': Cannot find field.`
 */
function assertKnownFields(type: protobuf.Type, json: unknown, at: string): void {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return;
  if (type.fullName.startsWith('.google.protobuf.')) return; // well-known types have their own JSON forms
  for (const [key, value] of Object.entries(json)) {
    const field = type.fields[key] ?? type.fields[camel(key)];
    if (!field) {
      throw invalidArgument(
        `Invalid JSON payload received. Unknown name "${key}"${at ? ` at '${at}'` : ''}: Cannot find field.`,
      );
    }
    field.resolve();
    if (field.map || !(field.resolvedType && 'fields' in field.resolvedType)) continue;
    const child = field.resolvedType as protobuf.Type;
    const path = at ? `${at}.${key}` : key;
    for (const item of field.repeated && Array.isArray(value) ? value : [value]) assertKnownFields(child, item, path);
  }
}

/** Puts a query parameter or path variable at its field path, typed as the field is (numbers, booleans, lists). */
function setField(json: Record<string, unknown>, type: protobuf.Type, path: string[], raw: string, replace = false) {
  let node = json;
  let nodeType: protobuf.Type | undefined = type;
  for (const [index, key] of path.entries()) {
    const field: protobuf.Field | undefined = nodeType?.fields[key];
    if (!field) throw invalidArgument(`Invalid parameter: unknown field "${path.join('.')}"`);
    field.resolve();
    if (index === path.length - 1) {
      const value = scalar(field, raw);
      if (field.repeated && !replace) {
        node[key] = [...((node[key] as unknown[] | undefined) ?? []), value];
      } else node[key] = field.repeated ? [value] : value;
      return;
    }
    const child = node[key];
    node[key] = child !== null && typeof child === 'object' ? child : {};
    node = node[key] as Record<string, unknown>;
    nodeType = field.resolvedType && 'fields' in field.resolvedType ? (field.resolvedType as protobuf.Type) : undefined;
  }
}

const NUMERIC = new Set(['double', 'float', 'int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);

function scalar(field: protobuf.Field, raw: string): unknown {
  if (NUMERIC.has(field.type)) {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw invalidArgument(`Invalid value "${raw}" for ${field.name}`);
    return n;
  }
  if (field.type === 'bool') return raw === 'true';
  return raw;
}

function camel(segment: string): string {
  return segment.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}
