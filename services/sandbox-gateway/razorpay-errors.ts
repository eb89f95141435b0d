/**
 * Razorpay's error body: `{"error":{"code","description","source","step","reason","metadata","field"}}`. Razorpay
 * answers most client mistakes (bad input, unknown ids) with 400 BAD_REQUEST_ERROR; the sandbox does the same so
 * the adapter meets the real shapes.
 */
export interface RazorpayErrorBody {
  error: {
    code: 'BAD_REQUEST_ERROR' | 'GATEWAY_ERROR' | 'SERVER_ERROR';
    description: string;
    source: string;
    step: string;
    reason: string;
    metadata: Record<string, string>;
    field?: string;
  };
}

export type ErrorStatus = 400 | 401 | 404 | 409 | 413 | 500;

/** Thrown by the ledger and the routes; the app's error handler turns it into Razorpay's shape. */
export class SandboxError extends Error {
  constructor(
    readonly status: ErrorStatus,
    readonly body: RazorpayErrorBody,
  ) {
    super(body.error.description);
    this.name = 'SandboxError';
  }
}

/** An input validation failure, as Razorpay reports one (`source: business`, `reason: input_validation_failed`). */
export function badRequest(description: string, field?: string): SandboxError {
  return new SandboxError(400, {
    error: {
      code: 'BAD_REQUEST_ERROR',
      description,
      source: 'business',
      step: 'payment_initiation',
      reason: 'input_validation_failed',
      metadata: {},
      ...(field ? { field } : {}),
    },
  });
}

/** Errors Razorpay raises before any business step (auth, routing, unparsable body) carry `NA` placeholders. */
export function plainError(status: ErrorStatus, description: string, code: RazorpayErrorBody['error']['code']) {
  return new SandboxError(status, {
    error: { code, description, source: 'NA', step: 'NA', reason: 'NA', metadata: {} },
  });
}

/** Razorpay's answer for an id it does not know (400, not 404). */
export const unknownId = () => badRequest('The id provided does not exist', 'id');
export const authFailed = () => plainError(401, 'Authentication failed', 'BAD_REQUEST_ERROR');
export const routeNotFound = () =>
  plainError(404, 'The requested URL was not found on the server.', 'BAD_REQUEST_ERROR');
