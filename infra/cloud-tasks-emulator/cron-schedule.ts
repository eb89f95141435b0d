import { CronExpressionParser } from 'cron-parser';
import { invalidArgument } from './api-error.ts';

/** The message the service answers for either mistake (it does not say which one). */
const INVALID = 'Schedule or time zone is invalid.';

/** Whether `timeZone` is an IANA tz database name the runtime knows (e.g. `Asia/Kolkata`, `Etc/UTC`). */
function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks a job's unix-cron `schedule` (five fields: minute hour day-of-month month day-of-week) and `timeZone`,
 * answering INVALID_ARGUMENT as the service does. cron-parser also takes a seconds field; Cloud Scheduler does not.
 */
export function assertSchedule(schedule: string, timeZone: string): void {
  if (schedule.trim().split(/\s+/).length !== 5 || !isTimeZone(timeZone)) throw invalidArgument(INVALID);
  try {
    CronExpressionParser.parse(schedule, { tz: timeZone, strict: false }).next();
  } catch {
    throw invalidArgument(INVALID);
  }
}

/** The first time strictly after `afterMs` at which the schedule fires, read in `timeZone` (DST included). */
export function nextRunMs(schedule: string, timeZone: string, afterMs: number): number {
  const expression = CronExpressionParser.parse(schedule, { tz: timeZone, currentDate: new Date(afterMs) });
  return expression.next().getTime();
}
