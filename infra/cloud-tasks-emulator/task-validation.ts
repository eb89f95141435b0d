import { invalidArgument, unimplemented } from './api-error.ts';
import { protoToMs } from './proto-time.ts';
import type { HttpTarget } from './records.ts';
import type { HttpRequestMessage, TaskMessage } from './wire.ts';

// Limits documented for Cloud Tasks (task.proto, target.proto and the "Quotas and limits" page).
export const MAX_BODY_BYTES = 1024 * 1024; // "Maximum task size: 1 MB"
export const MAX_SCHEDULE_AHEAD_MS = 30 * 24 * 3600 * 1000; // "Maximum schedule time: 30 days from current date and time"
export const MIN_DISPATCH_DEADLINE_MS = 15 * 1000; // HTTP tasks: "must be in the interval [15 seconds, 30 minutes]"
export const MAX_DISPATCH_DEADLINE_MS = 30 * 60 * 1000;
export const DEFAULT_DISPATCH_DEADLINE_MS = 10 * 60 * 1000; // "the default is 10 minutes"
const MAX_URL_LENGTH = 2083;
const MAX_HEADERS_BYTES = 80 * 1024; // "The size of the headers must be less than 80KB."
const METHODS_WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

export interface ValidatedTask {
  readonly target: HttpTarget;
  readonly scheduleTimeMs: number;
  readonly dispatchDeadlineMs: number;
}

/** Checks a CreateTask payload the way the service does and normalises it (defaults, past schedule time → now). */
export function validateTask(task: TaskMessage, nowMs: number): ValidatedTask {
  if (task.appEngineHttpRequest) {
    throw unimplemented('App Engine tasks are not supported by the emulator; use http_request');
  }
  if (!task.httpRequest) throw invalidArgument('Task.http_request is required');
  return {
    target: validateHttpRequest(task.httpRequest),
    scheduleTimeMs: validateScheduleTime(task, nowMs),
    dispatchDeadlineMs: validateDispatchDeadline(task),
  };
}

function validateHttpRequest(request: HttpRequestMessage): HttpTarget {
  const url = request.url ?? '';
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) {
    throw invalidArgument(`HttpRequest.url must be an absolute http:// or https:// URL, got "${url}"`);
  }
  if (url.length > MAX_URL_LENGTH) throw invalidArgument(`HttpRequest.url is longer than ${MAX_URL_LENGTH} characters`);

  const method = !request.httpMethod || request.httpMethod === 'HTTP_METHOD_UNSPECIFIED' ? 'POST' : request.httpMethod;
  const body = request.body && request.body.length > 0 ? request.body : undefined;
  if (body && !METHODS_WITH_BODY.has(method)) {
    throw invalidArgument(`HttpRequest.body is allowed only with POST, PUT or PATCH, not ${method}`);
  }
  if (body && body.length > MAX_BODY_BYTES) {
    throw invalidArgument(`Task size ${body.length} bytes exceeds the maximum of ${MAX_BODY_BYTES} bytes`);
  }

  const headers = request.headers ?? {};
  const headerBytes = Object.entries(headers).reduce((n, [k, v]) => n + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (headerBytes >= MAX_HEADERS_BYTES) throw invalidArgument('HttpRequest.headers must be less than 80KB');

  if (request.oauthToken) {
    throw unimplemented(
      'oauth_token is not supported by the emulator (it cannot mint Google access tokens); use oidc_token',
    );
  }
  let oidc: HttpTarget['oidc'];
  if (request.oidcToken) {
    const email = request.oidcToken.serviceAccountEmail ?? '';
    if (!/^[^@\s]+@[^@\s]+$/.test(email)) {
      throw invalidArgument(`OidcToken.service_account_email must be a service account email, got "${email}"`);
    }
    oidc = { serviceAccountEmail: email, audience: request.oidcToken.audience || undefined };
  }
  return { url, method, headers: { ...headers }, body, oidc };
}

function validateScheduleTime(task: TaskMessage, nowMs: number): number {
  if (!task.scheduleTime) return nowMs;
  const ms = protoToMs(task.scheduleTime);
  if (!Number.isFinite(ms)) throw invalidArgument('Task.schedule_time is not a valid timestamp');
  if (ms > nowMs + MAX_SCHEDULE_AHEAD_MS) {
    throw invalidArgument('Task.schedule_time must be at most 30 days in the future');
  }
  return Math.max(ms, nowMs); // "If schedule_time is not set or is in the past then Cloud Tasks will set it to the current time."
}

function validateDispatchDeadline(task: TaskMessage): number {
  const ms = task.dispatchDeadline ? protoToMs(task.dispatchDeadline) : 0;
  if (ms === 0) return DEFAULT_DISPATCH_DEADLINE_MS;
  if (!(ms >= MIN_DISPATCH_DEADLINE_MS && ms <= MAX_DISPATCH_DEADLINE_MS)) {
    throw invalidArgument('Task.dispatch_deadline must be between 15 seconds and 30 minutes');
  }
  return ms;
}
