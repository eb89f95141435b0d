import { status } from '@grpc/grpc-js';

/** One HTTP attempt of a task, fully prepared (headers included). */
export interface HttpAttempt {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer | undefined;
  readonly deadlineMs: number;
}

export type AttemptOutcome =
  /** The target answered (any status, including redirects it did not resolve). */
  | { readonly kind: 'response'; readonly httpStatus: number }
  /** No response: deadline exceeded, connection refused, DNS failure, … */
  | { readonly kind: 'no-response'; readonly code: status; readonly message: string };

/**
 * Sends the request and waits for the whole response, within the dispatch deadline: like the real service, an
 * attempt that outlives its deadline is cancelled and counts as a DEADLINE_EXCEEDED failure. `stop` aborts it early
 * when the emulator shuts down.
 */
export async function sendAttempt(attempt: HttpAttempt, stop: AbortSignal): Promise<AttemptOutcome> {
  const deadline = AbortSignal.timeout(attempt.deadlineMs);
  try {
    const response = await fetch(attempt.url, {
      method: attempt.method,
      headers: attempt.headers,
      body: attempt.body,
      redirect: 'follow', // "The Location header response from a redirect response may be followed."
      signal: AbortSignal.any([deadline, stop]),
    });
    await response.arrayBuffer(); // drain, so the attempt ends when the target has finished answering
    return { kind: 'response', httpStatus: response.status };
  } catch (error) {
    if (deadline.aborted) {
      return { kind: 'no-response', code: status.DEADLINE_EXCEEDED, message: 'dispatch deadline exceeded' };
    }
    if (stop.aborted) return { kind: 'no-response', code: status.CANCELLED, message: 'emulator stopped' };
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    return { kind: 'no-response', code: status.UNAVAILABLE, message: `request failed: ${cause}` };
  }
}

/** google.rpc.Code for an HTTP status, following the mapping documented with google.rpc.Code. */
export function codeForHttpStatus(httpStatus: number): status {
  if (httpStatus >= 200 && httpStatus < 300) return status.OK;
  switch (httpStatus) {
    case 400:
      return status.INVALID_ARGUMENT;
    case 401:
      return status.UNAUTHENTICATED;
    case 403:
      return status.PERMISSION_DENIED;
    case 404:
      return status.NOT_FOUND;
    case 409:
      return status.ABORTED;
    case 429:
      return status.RESOURCE_EXHAUSTED;
    case 499:
      return status.CANCELLED;
    case 501:
      return status.UNIMPLEMENTED;
    case 503:
      return status.UNAVAILABLE;
    case 504:
      return status.DEADLINE_EXCEEDED;
    default:
      return httpStatus >= 500 ? status.INTERNAL : httpStatus >= 400 ? status.FAILED_PRECONDITION : status.UNKNOWN;
  }
}
