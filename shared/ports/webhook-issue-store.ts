import type { Page } from './order-store.ts';

/**
 * A webhook whose signature is valid but whose content we could not apply: an unknown currency, a malformed amount, an
 * order we do not hold. It is acknowledged (a 4xx would only make the gateway retry for a day, then disable the
 * webhook) and kept here for a person. No raw payload: ids and the reason are enough to look it up at the gateway.
 */
export interface WebhookIssue {
  /** The gateway's event id (or a digest of the body): a redelivery of the same event is one issue. */
  readonly id: string;
  readonly at: string;
  readonly eventType: string | null;
  readonly reason: string;
  readonly gatewayOrderId: string | null;
  readonly paymentId: string | null;
  readonly refundId: string | null;
}

export interface WebhookIssueStore {
  /** Idempotent by id. */
  record(issue: WebhookIssue): Promise<void>;
  /** Newest first. */
  list(limit: number, cursor?: string): Promise<Page<WebhookIssue>>;
}
