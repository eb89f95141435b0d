/**
 * Headers the service computes or reserves for Cloud Scheduler HTTP targets, so a job's own value never goes out.
 */
const RESERVED =
  /^(host|content-length|user-agent|connection|keep-alive|transfer-encoding|te|trailer|upgrade|expect|proxy-.*|x-google-.*|x-appengine-.*|x-cloudscheduler.*)$/i;

export interface JobAttemptInfo {
  readonly jobId: string;
  /** The time the execution was scheduled for (the RunJob time for a forced run), in epoch milliseconds. */
  readonly scheduleTimeMs: number;
  readonly hasBody: boolean;
  /** `Bearer <id token>` when the job asks for an OIDC token. */
  readonly authorization: string | undefined;
}

/** The request headers of one attempt: the job's own, then Cloud Scheduler's documented ones. */
export function jobAttemptHeaders(
  jobHeaders: Readonly<Record<string, string>>,
  info: JobAttemptInfo,
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(jobHeaders)) {
    if (RESERVED.test(name)) continue;
    if (info.authorization && name.toLowerCase() === 'authorization') continue;
    headers[name] = value;
  }
  // "If the job has a body, Cloud Scheduler sets Content-Type: application/octet-stream unless the job sets it."
  if (info.hasBody && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = 'application/octet-stream';
  }
  headers['User-Agent'] = 'Google-Cloud-Scheduler';
  headers['X-CloudScheduler'] = 'true';
  headers['X-CloudScheduler-JobName'] = info.jobId;
  headers['X-CloudScheduler-ScheduleTime'] = new Date(info.scheduleTimeMs).toISOString();
  if (info.authorization) headers['Authorization'] = info.authorization;
  return headers;
}
