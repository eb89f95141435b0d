/**
 * The subset of google.cloud.scheduler.v1 messages the emulator reads and writes, as @grpc/proto-loader presents
 * them (see proto.ts). Inbound fields may be missing; outbound objects are plain data.
 */
import type { ProtoTime } from './proto-time.ts';
import type { HttpMethod, OidcTokenMessage, StatusMessage } from './wire.ts';

export type JobState = 'STATE_UNSPECIFIED' | 'ENABLED' | 'PAUSED' | 'DISABLED' | 'UPDATE_FAILED';

export interface JobRetryConfigMessage {
  retryCount?: number | null;
  maxRetryDuration?: ProtoTime | null;
  minBackoffDuration?: ProtoTime | null;
  maxBackoffDuration?: ProtoTime | null;
  maxDoublings?: number | null;
}

export interface HttpTargetMessage {
  uri?: string | null;
  httpMethod?: HttpMethod | null;
  headers?: Record<string, string> | null;
  body?: Buffer | Uint8Array | null;
  oauthToken?: { serviceAccountEmail?: string | null; scope?: string | null } | null;
  oidcToken?: OidcTokenMessage | null;
}

export interface JobMessage {
  name?: string | null;
  description?: string | null;
  pubsubTarget?: unknown;
  appEngineHttpTarget?: unknown;
  httpTarget?: HttpTargetMessage | null;
  schedule?: string | null;
  timeZone?: string | null;
  userUpdateTime?: ProtoTime | null;
  state?: JobState | null;
  status?: StatusMessage | Record<string, never> | null;
  scheduleTime?: ProtoTime | null;
  lastAttemptTime?: ProtoTime | null;
  retryConfig?: JobRetryConfigMessage | null;
  attemptDeadline?: ProtoTime | null;
}

export interface CreateJobRequest {
  parent?: string | null;
  job?: JobMessage | null;
}

export interface UpdateJobRequest {
  job?: JobMessage | null;
  updateMask?: { paths?: string[] | null } | null;
}
