import type { TokenVerifier } from '../../shared/http/auth.ts';
import type { AbuseLimits } from '../../shared/http/rate-limits.ts';
import type { Logger } from '../../shared/ports/logger.ts';
import type { Deps } from '../../shared/use-cases/deps.ts';

export type ApiDeps = Pick<
  Deps,
  | 'orders'
  | 'orderChanges'
  | 'outbox'
  | 'bus'
  | 'tasks'
  | 'gateway'
  | 'notifications'
  | 'accounts'
  | 'deliveries'
  | 'operatorKeys'
  | 'audit'
  | 'webhookIssues'
  | 'clock'
  | 'ids'
  | 'settings'
  | 'reconciliations'
  | 'reconciliation'
> & {
  readonly logger: Logger;
  readonly customerTokens: TokenVerifier;
  readonly bodyLimitBytes: number;
  readonly limits?: AbuseLimits;
  readonly corsOrigins?: readonly string[];
  /** Milliseconds between heartbeat comments on an idle order stream (default STREAM_HEARTBEAT_MS, 15 s). */
  readonly streamHeartbeatMs?: number;
};
