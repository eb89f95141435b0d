import type { Logger } from '../ports/logger.ts';
import type { OperatorKey } from '../ports/operator-keys.ts';

/** What middleware puts on the Hono context for the handlers after it. */
export interface AppEnv {
  Variables: {
    requestId: string;
    logger: Logger;
    customerId: string;
    operator: OperatorKey;
  };
}
