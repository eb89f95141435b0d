/** What the target learns about the attempt, sent as Cloud Tasks' `X-CloudTasks-*` request headers. */
export interface AttemptInfo {
  readonly queueId: string;
  readonly taskId: string;
  /** Attempts before this one ("For the first attempt, this value is 0"). */
  readonly retryCount: number;
  /** Earlier attempts that got a response other than 5xx. */
  readonly executionCount: number;
  /** The task's schedule time, in epoch milliseconds. */
  readonly etaMs: number;
  /** HTTP status of the previous attempt's response, if it got one. */
  readonly previousResponse: number | undefined;
  /** `Bearer <id token>` when the task asks for an OIDC token. */
  readonly authorization: string | undefined;
}

/**
 * Headers the service computes or reserves, so a task's own value never goes out: Host and Content-Length (derived
 * from the URL and body), User-Agent, Google-internal prefixes, and hop-by-hop headers an HTTP client must set itself.
 */
const RESERVED =
  /^(host|content-length|user-agent|connection|keep-alive|transfer-encoding|te|trailer|upgrade|expect|proxy-.*|x-google-.*|x-appengine-.*|x-cloudtasks-.*)$/i;

export function attemptHeaders(
  taskHeaders: Readonly<Record<string, string>>,
  info: AttemptInfo,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(taskHeaders)) {
    if (RESERVED.test(name)) continue;
    // "If specified, all Authorization headers in the HttpRequest.headers field will be overridden."
    if (info.authorization && name.toLowerCase() === 'authorization') continue;
    headers[name] = value;
  }
  headers['User-Agent'] = 'Google-Cloud-Tasks';
  headers['X-CloudTasks-QueueName'] = info.queueId;
  headers['X-CloudTasks-TaskName'] = info.taskId;
  headers['X-CloudTasks-TaskRetryCount'] = String(info.retryCount);
  headers['X-CloudTasks-TaskExecutionCount'] = String(info.executionCount);
  headers['X-CloudTasks-TaskETA'] = (info.etaMs / 1000).toFixed(6);
  if (info.previousResponse !== undefined) headers['X-CloudTasks-TaskPreviousResponse'] = String(info.previousResponse);
  if (info.authorization) headers['Authorization'] = info.authorization;
  return headers;
}
