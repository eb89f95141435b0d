import { alreadyExists, invalidArgument, notFound } from './api-error.ts';
import type { JobRecord } from './job-records.ts';
import { jobMessage } from './job-records.ts';
import type { JobRunner } from './job-runner.ts';
import { validateJob } from './job-validation.ts';
import type { LogSink } from './log.ts';
import { assertLocationName, generateTaskId, parseJobName } from './names.ts';
import { paginate } from './pagination.ts';
import type { CreateJobRequest, JobMessage, UpdateJobRequest } from './scheduler-wire.ts';
import type { ListRequest, NameRequest } from './wire.ts';

export interface SchedulerServiceOptions {
  readonly now: () => number;
  readonly log: LogSink;
}

/** Job fields a caller may set; everything else on Job is output only. */
const SETTABLE = new Set([
  'description',
  'httpTarget',
  'pubsubTarget',
  'appEngineHttpTarget',
  'schedule',
  'timeZone',
  'retryConfig',
  'attemptDeadline',
]);

/** google.cloud.scheduler.v1.CloudScheduler over in-memory state. Methods take and return wire messages. */
export class CloudSchedulerService {
  private readonly jobs = new Map<string, JobRecord>();
  private runner: JobRunner | undefined;

  constructor(private readonly options: SchedulerServiceOptions) {}

  /** Set once: the runner needs `isLive` from this service, and this service arms the runner's timers. */
  attach(runner: JobRunner): void {
    this.runner = runner;
  }

  listJobs(request: ListRequest): { jobs: JobMessage[]; nextPageToken: string } {
    const parent = assertLocationName(request.parent);
    const jobs = [...this.jobs.values()].filter((job) => job.name.startsWith(`${parent}/jobs/`));
    jobs.sort((a, b) => a.name.localeCompare(b.name));
    const page = paginate(jobs, request.pageSize, request.pageToken, 500);
    return { jobs: page.items.map(jobMessage), nextPageToken: page.nextPageToken };
  }

  getJob(request: NameRequest): JobMessage {
    return jobMessage(this.job(request.name));
  }

  createJob(request: CreateJobRequest): JobMessage {
    const parent = assertLocationName(request.parent);
    if (!request.job) throw invalidArgument('CreateJobRequest.job is required');
    const name = request.job.name || `${parent}/jobs/${generateTaskId()}`;
    const { location, jobId } = parseJobName(name);
    if (location !== parent) throw invalidArgument(`Job "${name}" is not in location "${parent}"`);
    const spec = validateJob(request.job);
    if (this.jobs.has(name)) throw alreadyExists(`Job ${name} already exists.`);
    const job: JobRecord = {
      name,
      jobId,
      spec,
      state: 'ENABLED',
      userUpdateTimeMs: this.options.now(),
      nextRunMs: undefined,
      lastAttemptTimeMs: undefined,
      status: undefined,
      lastHttpStatus: undefined,
      execution: 0,
      scheduleTimer: undefined,
      retryTimer: undefined,
    };
    this.jobs.set(name, job);
    this.runner?.arm(job);
    this.options.log({ severity: 'INFO', message: 'job created', job: name, schedule: spec.schedule });
    return jobMessage(job);
  }

  /**
   * With an update mask, only the named fields (dotted paths such as `retry_config.retry_count` included) are taken
   * from the request, and a named field absent from it is cleared; without one, every settable field the request
   * carries replaces the stored one. The result is validated as a whole, as CreateJob would.
   */
  updateJob(request: UpdateJobRequest): JobMessage {
    const update = request.job;
    if (!update) throw invalidArgument('UpdateJobRequest.job is required');
    const job = this.job(update.name);
    const merged = structuredClone(jobMessage(job)) as Record<string, unknown>;
    const paths = request.updateMask?.paths?.length
      ? request.updateMask.paths.map(camelPath)
      : Object.keys(update).filter((key) => SETTABLE.has(key) && (update as Record<string, unknown>)[key] != null);
    for (const path of paths) {
      if (!SETTABLE.has(path.split('.')[0]!)) throw invalidArgument(`Field "${path}" cannot be updated`);
      setPath(merged, path, getPath(update, path));
    }
    job.spec = validateJob(merged as JobMessage);
    job.userUpdateTimeMs = this.options.now();
    this.runner?.disarm(job);
    this.runner?.arm(job);
    return jobMessage(job);
  }

  deleteJob(request: NameRequest): Record<string, never> {
    const job = this.job(request.name);
    this.runner?.disarm(job);
    this.jobs.delete(job.name);
    this.options.log({ severity: 'INFO', message: 'job deleted', job: job.name });
    return {};
  }

  pauseJob(request: NameRequest): JobMessage {
    const job = this.job(request.name);
    job.state = 'PAUSED';
    job.userUpdateTimeMs = this.options.now();
    this.runner?.disarm(job);
    job.nextRunMs = undefined;
    return jobMessage(job);
  }

  resumeJob(request: NameRequest): JobMessage {
    const job = this.job(request.name);
    job.state = 'ENABLED';
    job.userUpdateTimeMs = this.options.now();
    this.runner?.arm(job);
    return jobMessage(job);
  }

  /** "Forces a job to run now", paused or not; answers with the job once the attempt has started. */
  runJob(request: NameRequest): JobMessage {
    const job = this.job(request.name);
    this.runner?.run(job, this.options.now());
    return jobMessage(job);
  }

  isLive(job: JobRecord): boolean {
    return this.jobs.get(job.name) === job;
  }

  /** Every job, for the status page. */
  allJobs(): readonly JobRecord[] {
    return [...this.jobs.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Location names jobs live in (the Locations API lists them). */
  locations(): string[] {
    return [...this.jobs.values()].map((job) => parseJobName(job.name).location);
  }

  stop(): void {
    this.runner?.stop();
    for (const job of this.jobs.values()) this.runner?.disarm(job);
  }

  private job(name: string | null | undefined): JobRecord {
    const parsed = parseJobName(name);
    const job = this.jobs.get(parsed.name);
    if (!job) throw notFound(`Job not found: ${parsed.name}`);
    return job;
  }
}

/** Update masks arrive in snake_case over gRPC and camelCase over REST; records use camelCase. */
function camelPath(path: string): string {
  return path.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

function getPath(source: unknown, path: string): unknown {
  let value = source;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value ?? undefined;
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object') node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  const last = keys.at(-1)!;
  if (value === undefined) delete node[last];
  else node[last] = value;
}
