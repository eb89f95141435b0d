import type { TokenVerifier } from '../../shared/http/auth.ts';
import type { AbuseLimits } from '../../shared/http/rate-limits.ts';
import type { Logger } from '../../shared/ports/logger.ts';
import type { Deps } from '../../shared/use-cases/deps.ts';

export type ApiDeps = Pick<
  Deps,
  | 'orders'
  | 'outbox'
  | 'bus'
  | 'tasks'
  | 'gateway'
  | 'notifications'
  | 'accounts'
  | 'deliveries'
  | 'operatorKeys'
  | 'clock'
  | 'ids'
  | 'settings'
> & {
  readonly logger: Logger;
  readonly customerTokens: TokenVerifier;
  readonly bodyLimitBytes: number;
  readonly limits?: AbuseLimits;
  readonly corsOrigins?: readonly string[];
};
