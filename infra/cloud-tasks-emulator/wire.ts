/**
 * The subset of google.cloud.tasks.v2 messages the emulator reads and writes, as @grpc/proto-loader presents them
 * (see proto.ts for the loader options). Inbound fields may be missing; outbound objects are plain data.
 */
import type { ProtoTime } from './proto-time.ts';
import type { RetryConfigMessage } from './retry-policy.ts';

export type QueueState = 'STATE_UNSPECIFIED' | 'RUNNING' | 'PAUSED' | 'DISABLED';
export type HttpMethod = 'HTTP_METHOD_UNSPECIFIED' | 'POST' | 'GET' | 'HEAD' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS';
export type TaskView = 'VIEW_UNSPECIFIED' | 'BASIC' | 'FULL';

export interface RateLimitsMessage {
  maxDispatchesPerSecond?: number | null;
  maxBurstSize?: number | null;
  maxConcurrentDispatches?: number | null;
}

export interface QueueMessage {
  name?: string | null;
  appEngineRoutingOverride?: unknown;
  rateLimits?: RateLimitsMessage | null;
  retryConfig?: RetryConfigMessage | null;
  state?: QueueState | null;
  purgeTime?: ProtoTime | null;
  stackdriverLoggingConfig?: { samplingRatio?: number | null } | null;
}

export interface OidcTokenMessage {
  serviceAccountEmail?: string | null;
  audience?: string | null;
}

export interface HttpRequestMessage {
  url?: string | null;
  httpMethod?: HttpMethod | null;
  headers?: Record<string, string> | null;
  body?: Buffer | null;
  oauthToken?: { serviceAccountEmail?: string | null; scope?: string | null } | null;
  oidcToken?: OidcTokenMessage | null;
}

export interface StatusMessage {
  code: number;
  message: string;
}

export interface AttemptMessage {
  scheduleTime?: ProtoTime;
  dispatchTime?: ProtoTime;
  responseTime?: ProtoTime;
  responseStatus?: StatusMessage;
}

export interface TaskMessage {
  name?: string | null;
  appEngineHttpRequest?: unknown;
  httpRequest?: HttpRequestMessage | null;
  scheduleTime?: ProtoTime | null;
  createTime?: ProtoTime | null;
  dispatchDeadline?: ProtoTime | null;
  dispatchCount?: number | null;
  responseCount?: number | null;
  firstAttempt?: AttemptMessage | null;
  lastAttempt?: AttemptMessage | null;
  view?: TaskView | null;
}

export interface NameRequest {
  name?: string | null;
}

export interface ListRequest {
  parent?: string | null;
  filter?: string | null;
  pageSize?: number | null;
  pageToken?: string | null;
  responseView?: TaskView | null;
}

export interface CreateQueueRequest {
  parent?: string | null;
  queue?: QueueMessage | null;
}

export interface UpdateQueueRequest {
  queue?: QueueMessage | null;
  updateMask?: { paths?: string[] | null } | null;
}

export interface CreateTaskRequest {
  parent?: string | null;
  task?: TaskMessage | null;
  responseView?: TaskView | null;
}

export interface TaskViewRequest {
  name?: string | null;
  responseView?: TaskView | null;
}
