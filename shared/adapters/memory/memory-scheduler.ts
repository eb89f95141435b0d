import { CronExpressionParser } from 'cron-parser';
import type { Clock } from '../../ports/clock.ts';
import { appendBounded } from './bounded-history.ts';
import type { Dispatch } from './delivery-loop.ts';
import { inProcessRequest } from './in-process-http.ts';

export interface MemoryJob {
  readonly name: string;
  /** unix-cron, evaluated in `timeZone`, as Cloud Scheduler does. */
  readonly schedule: string;
  readonly timeZone: string;
  /** The target's URL (service and path). */
  readonly url: string;
  readonly dispatch: Dispatch;
}

export interface MemorySchedulerOptions {
  readonly clock: Clock;
  readonly jobs: readonly MemoryJob[];
  /** Signs the OIDC token Cloud Scheduler would attach, for an audience; absent → no Authorization header. */
  readonly token?: (audience: string) => Promise<string>;
}

/**
 * Cloud Scheduler in memory: HTTP jobs on unix-cron schedules, fired with Cloud Scheduler's headers and an OIDC token.
 * Time comes from the clock, so a test (or the simulation) fires jobs by moving it and calling `runDue()`; `npm start`
 * pumps it on a timer. A failed attempt waits for the next schedule, as a job without a retry config does.
 */
export class MemoryScheduler {
  private readonly next = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  readonly fired: { job: string; scheduleTime: string; status: number }[] = [];

  constructor(private readonly options: MemorySchedulerOptions) {
    for (const job of options.jobs) this.next.set(job.name, this.following(job, options.clock.now()));
  }

  /** Fires every job whose schedule time has come (once, however many times it was missed); returns how many. */
  async runDue(): Promise<number> {
    const now = this.options.clock.now();
    const due = this.options.jobs.filter((job) => (this.next.get(job.name) ?? Infinity) <= now.getTime());
    await Promise.all(
      due.map(async (job) => {
        const scheduleTime = new Date(this.next.get(job.name)!);
        this.next.set(job.name, this.following(job, now));
        await this.fire(job, scheduleTime);
      }),
    );
    return due.length;
  }

  /** RunJob: fires a job now, whatever its schedule. */
  async run(name: string): Promise<number> {
    const job = this.options.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`no job ${name}`);
    return this.fire(job, this.options.clock.now());
  }

  /** When each job fires next. */
  schedule(): { job: string; next: string }[] {
    return this.options.jobs.map((j) => ({ job: j.name, next: new Date(this.next.get(j.name)!).toISOString() }));
  }

  start(intervalMs: number): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.running ??= this.runDue().finally(() => {
        this.running = null;
      });
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  private following(job: MemoryJob, after: Date): number {
    return CronExpressionParser.parse(job.schedule, { currentDate: after, tz: job.timeZone }).next().getTime();
  }

  private async fire(job: MemoryJob, scheduleTime: Date): Promise<number> {
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Google-Cloud-Scheduler',
      'x-cloudscheduler': 'true',
      'x-cloudscheduler-jobname': job.name,
      'x-cloudscheduler-scheduletime': scheduleTime.toISOString(),
    };
    if (this.options.token) headers.authorization = `Bearer ${await this.options.token(new URL(job.url).origin)}`;
    let status = 0;
    try {
      const response = await job.dispatch(inProcessRequest(job.url, { method: 'POST', headers, body: '{}' }));
      status = response.status;
    } catch {
      status = 0;
    }
    appendBounded(this.fired, { job: job.name, scheduleTime: scheduleTime.toISOString(), status });
    return status;
  }
}
