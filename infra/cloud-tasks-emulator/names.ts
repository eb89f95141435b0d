import { randomInt } from 'node:crypto';
import { invalidArgument } from './api-error.ts';

// Formats documented on Task.name and Queue.name (google/cloud/tasks/v2/task.proto, queue.proto).
const PROJECT = '[A-Za-z0-9:.-]+';
const LOCATION = '[A-Za-z0-9-]+';
const QUEUE_ID = '[A-Za-z0-9-]{1,100}';
const TASK_ID = '[A-Za-z0-9_-]{1,500}';

const LOCATION_NAME = new RegExp(`^projects/${PROJECT}/locations/${LOCATION}$`);
const QUEUE_NAME = new RegExp(`^(projects/${PROJECT}/locations/${LOCATION})/queues/(${QUEUE_ID})$`);
const TASK_NAME = new RegExp(`^(projects/${PROJECT}/locations/${LOCATION}/queues/${QUEUE_ID})/tasks/(${TASK_ID})$`);

export function assertLocationName(name: string | undefined | null): string {
  if (!name || !LOCATION_NAME.test(name)) {
    throw invalidArgument(`Invalid resource name "${name ?? ''}": expected projects/PROJECT_ID/locations/LOCATION_ID`);
  }
  return name;
}

export interface QueueNameParts {
  readonly name: string;
  readonly location: string;
  readonly queueId: string;
}

export function parseQueueName(name: string | undefined | null): QueueNameParts {
  const match = name ? QUEUE_NAME.exec(name) : null;
  if (!name || !match) {
    throw invalidArgument(
      `Invalid queue name "${name ?? ''}": expected projects/PROJECT_ID/locations/LOCATION_ID/queues/QUEUE_ID ` +
        '(QUEUE_ID: letters, digits, hyphens; at most 100 characters)',
    );
  }
  return { name, location: match[1]!, queueId: match[2]! };
}

export interface TaskNameParts {
  readonly name: string;
  readonly queue: string;
  readonly taskId: string;
}

export function parseTaskName(name: string | undefined | null): TaskNameParts {
  const match = name ? TASK_NAME.exec(name) : null;
  if (!name || !match) {
    throw invalidArgument(
      `Invalid task name "${name ?? ''}": expected projects/PROJECT_ID/locations/LOCATION_ID/queues/QUEUE_ID/tasks/TASK_ID ` +
        '(TASK_ID: letters, digits, hyphens, underscores; at most 500 characters)',
    );
  }
  return { name, queue: match[1]!, taskId: match[2]! };
}

/** The service generates numeric ids for unnamed tasks; 19 random digits keep the same look. */
export function generateTaskId(): string {
  let id = String(randomInt(1, 10));
  for (let i = 0; i < 18; i++) id += String(randomInt(0, 10));
  return id;
}

const JOB_ID = '[A-Za-z0-9_-]{1,500}';
const JOB_NAME = new RegExp(`^(projects/${PROJECT}/locations/${LOCATION})/jobs/(${JOB_ID})$`);

export interface JobNameParts {
  readonly name: string;
  readonly location: string;
  readonly jobId: string;
}

/** Job.name: `projects/PROJECT_ID/locations/LOCATION_ID/jobs/JOB_ID` (JOB_ID: letters, digits, hyphens, underscores). */
export function parseJobName(name: string | undefined | null): JobNameParts {
  const match = name ? JOB_NAME.exec(name) : null;
  if (!name || !match) {
    throw invalidArgument(
      `Invalid job name "${name ?? ''}": expected projects/PROJECT_ID/locations/LOCATION_ID/jobs/JOB_ID ` +
        '(JOB_ID: letters, digits, hyphens, underscores; at most 500 characters)',
    );
  }
  return { name, location: match[1]!, jobId: match[2]! };
}
