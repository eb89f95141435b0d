import { alreadyExists, failedPrecondition, invalidArgument, notFound, unimplemented } from './api-error.ts';
import type { LogSink } from './log.ts';
import { assertLocationName, generateTaskId, parseQueueName, parseTaskName } from './names.ts';
import { paginate } from './pagination.ts';
import { type QueueRecord, queueMessage, type RateLimits, type TaskRecord, taskMessage } from './records.ts';
import { DEFAULT_RETRY_POLICY, retryPolicyFrom } from './retry-policy.ts';
import type { TaskScheduler } from './scheduler.ts';
import { validateTask } from './task-validation.ts';
import { TokenBucket } from './token-bucket.ts';
import type {
  CreateQueueRequest,
  CreateTaskRequest,
  ListRequest,
  NameRequest,
  QueueMessage,
  RateLimitsMessage,
  TaskMessage,
  TaskViewRequest,
  UpdateQueueRequest,
} from './wire.ts';

/** Defaults the service applies to a queue created without RateLimits. */
const DEFAULT_RATE_LIMITS: RateLimits = {
  maxDispatchesPerSecond: 500,
  maxBurstSize: 100,
  maxConcurrentDispatches: 1000,
};

export interface ServiceOptions {
  /** How long a task name stays taken after its task completed or was deleted (~1 h in production). */
  readonly nameReservationMs: number;
  /** How long a deleted queue's name cannot be used again (7 days in production). */
  readonly queueNameReservationMs: number;
  readonly now: () => number;
  readonly log: LogSink;
}

/** The CloudTasks v2 API over in-memory state. Methods take and return wire messages and throw ApiError. */
export class CloudTasksService {
  private readonly queues = new Map<string, QueueRecord>();
  /** Task name → epoch ms until which the name cannot be reused (task completed, failed for good, or deleted). */
  private readonly reservedNames = new Map<string, number>();
  /** Queue name → epoch ms until which it cannot be created again (deleted queue). */
  private readonly deletedQueues = new Map<string, number>();
  private scheduler: TaskScheduler | undefined;

  constructor(private readonly options: ServiceOptions) {}

  /** Set once: the scheduler needs `isLive`/`finish` from this service, and this service arms its timers. */
  attach(scheduler: TaskScheduler): void {
    this.scheduler = scheduler;
  }

  // ---- queues ----

  listQueues(request: ListRequest): { queues: QueueMessage[]; nextPageToken: string } {
    const parent = assertLocationName(request.parent);
    if (request.filter) throw unimplemented('ListQueues filters are not supported by the emulator');
    const queues = [...this.queues.values()].filter((q) => q.name.startsWith(`${parent}/queues/`));
    queues.sort((a, b) => a.name.localeCompare(b.name));
    const page = paginate(queues, request.pageSize, request.pageToken, 9800);
    return { queues: page.items.map(queueMessage), nextPageToken: page.nextPageToken };
  }

  getQueue(request: NameRequest): QueueMessage {
    return queueMessage(this.queue(request.name));
  }

  createQueue(request: CreateQueueRequest): QueueMessage {
    const parent = assertLocationName(request.parent);
    if (!request.queue) throw invalidArgument('CreateQueueRequest.queue is required');
    const { name, location, queueId } = parseQueueName(request.queue.name);
    if (location !== parent) throw invalidArgument(`Queue "${name}" is not in location "${parent}"`);
    if (this.queues.has(name)) throw alreadyExists(`Requested entity already exists: queue ${name}`);
    const now = this.options.now();
    if ((this.deletedQueues.get(name) ?? 0) > now) {
      throw failedPrecondition(
        `The queue cannot be created because a queue with this name existed too recently: ${name}`,
      );
    }
    const rateLimits = rateLimitsFrom(request.queue.rateLimits, DEFAULT_RATE_LIMITS);
    const queue: QueueRecord = {
      name,
      queueId,
      state: 'RUNNING',
      retry: retryPolicyFrom(request.queue.retryConfig, DEFAULT_RETRY_POLICY),
      rateLimits,
      samplingRatio: request.queue.stackdriverLoggingConfig?.samplingRatio ?? undefined,
      purgeTimeMs: undefined,
      tasks: new Map(),
      flow: {
        bucket: new TokenBucket(rateLimits.maxDispatchesPerSecond, rateLimits.maxBurstSize, now),
        ready: new Set(),
        inFlight: 0,
        timer: undefined,
      },
    };
    this.queues.set(name, queue);
    this.options.log({ severity: 'INFO', message: 'queue created', queue: name });
    return queueMessage(queue);
  }

  /**
   * Like the service, creates the queue when it does not exist. The mask selects top-level fields (`retry_config`,
   * `rate_limits`, `stackdriver_logging_config`); within them only the fields present are changed.
   */
  updateQueue(request: UpdateQueueRequest): QueueMessage {
    const update = request.queue;
    if (!update) throw invalidArgument('UpdateQueueRequest.queue is required');
    const { name, location } = parseQueueName(update.name);
    const existing = this.queues.get(name);
    if (!existing) return this.createQueue({ parent: location, queue: update });
    const paths = request.updateMask?.paths?.length
      ? request.updateMask.paths.map((p) => p.split('.')[0]!.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()))
      : ['retryConfig', 'rateLimits', 'stackdriverLoggingConfig'];
    for (const path of paths) {
      if (path === 'retryConfig') existing.retry = retryPolicyFrom(update.retryConfig, existing.retry);
      else if (path === 'rateLimits') existing.rateLimits = rateLimitsFrom(update.rateLimits, existing.rateLimits);
      else if (path === 'stackdriverLoggingConfig') {
        existing.samplingRatio = update.stackdriverLoggingConfig?.samplingRatio ?? existing.samplingRatio;
      } else throw invalidArgument(`UpdateQueue cannot change "${path}"`);
    }
    this.applyRateLimits(existing);
    return queueMessage(existing);
  }

  deleteQueue(request: NameRequest): Record<string, never> {
    const queue = this.queue(request.name);
    for (const task of queue.tasks.values()) this.scheduler?.disarm(task);
    queue.tasks.clear();
    this.scheduler?.release(queue);
    this.queues.delete(queue.name);
    // "If you delete a queue, you must wait 7 days before creating a queue with the same name."
    this.deletedQueues.set(queue.name, this.options.now() + this.options.queueNameReservationMs);
    this.options.log({ severity: 'INFO', message: 'queue deleted', queue: queue.name });
    return {};
  }

  purgeQueue(request: NameRequest): QueueMessage {
    const queue = this.queue(request.name);
    for (const task of [...queue.tasks.values()]) this.remove(task);
    queue.purgeTimeMs = this.options.now();
    return queueMessage(queue);
  }

  pauseQueue(request: NameRequest): QueueMessage {
    const queue = this.queue(request.name);
    queue.state = 'PAUSED';
    for (const task of queue.tasks.values()) this.scheduler?.disarm(task);
    return queueMessage(queue);
  }

  resumeQueue(request: NameRequest): QueueMessage {
    const queue = this.queue(request.name);
    queue.state = 'RUNNING';
    for (const task of queue.tasks.values()) this.scheduler?.arm(task);
    this.scheduler?.pump(queue);
    return queueMessage(queue);
  }

  // ---- tasks ----

  listTasks(request: ListRequest): { tasks: TaskMessage[]; nextPageToken: string } {
    const queue = this.queue(request.parent);
    const tasks = [...queue.tasks.values()].sort(
      (a, b) => a.scheduleTimeMs - b.scheduleTimeMs || (a.name < b.name ? -1 : 1),
    );
    const page = paginate(tasks, request.pageSize, request.pageToken, 1000);
    return { tasks: page.items.map((t) => taskMessage(t, request.responseView)), nextPageToken: page.nextPageToken };
  }

  getTask(request: TaskViewRequest): TaskMessage {
    return taskMessage(this.task(request.name), request.responseView);
  }

  createTask(request: CreateTaskRequest): TaskMessage {
    const { name: parent } = parseQueueName(request.parent);
    if (!request.task) throw invalidArgument('CreateTaskRequest.task is required');
    const name = request.task.name ? request.task.name : `${parent}/tasks/${generateTaskId()}`;
    const { queue: taskQueue, taskId } = parseTaskName(name);
    if (taskQueue !== parent) throw invalidArgument(`Task "${name}" does not belong to queue "${parent}"`);
    const queue = this.queue(parent);
    const now = this.options.now();
    const valid = validateTask(request.task, now);
    if (queue.tasks.has(name) || this.isReserved(name, now)) {
      throw alreadyExists(`Requested entity already exists: task ${name}`);
    }
    const task: TaskRecord = {
      name,
      taskId,
      queue,
      target: valid.target,
      createTimeMs: now,
      dispatchDeadlineMs: valid.dispatchDeadlineMs,
      scheduleTimeMs: valid.scheduleTimeMs,
      dispatchCount: 0,
      responseCount: 0,
      executionCount: 0,
      previousResponse: undefined,
      firstAttempt: undefined,
      lastAttempt: undefined,
      inFlight: 0,
      timer: undefined,
    };
    queue.tasks.set(name, task);
    this.scheduler?.arm(task);
    this.options.log({
      severity: 'DEBUG',
      message: 'task created',
      task: name,
      scheduleTime: new Date(task.scheduleTimeMs),
    });
    return taskMessage(task, request.responseView);
  }

  deleteTask(request: NameRequest): Record<string, never> {
    this.remove(this.task(request.name));
    return {};
  }

  /** Dispatches now, even if the queue is paused; answers with the task as it is once dispatched. */
  runTask(request: TaskViewRequest): TaskMessage {
    const task = this.task(request.name);
    this.scheduler?.dispatch(task);
    return taskMessage(task, request.responseView);
  }

  // ---- used by the scheduler ----

  isLive(task: TaskRecord): boolean {
    return this.queues.get(task.queue.name) === task.queue && task.queue.tasks.get(task.name) === task;
  }

  /** Deletes the task and keeps its name taken for the reservation period, as completion and deletion both do. */
  remove(task: TaskRecord): void {
    this.scheduler?.disarm(task);
    task.queue.tasks.delete(task.name);
    const now = this.options.now();
    this.reservedNames.set(task.name, now + this.options.nameReservationMs);
    if (this.reservedNames.size % 1000 === 0) this.sweepReservations(now);
  }

  /** Every queue, for the status page. */
  allQueues(): readonly QueueRecord[] {
    return [...this.queues.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Location names queues live in (the Locations API lists them). */
  locations(): string[] {
    return [...this.queues.values()].map((queue) => parseQueueName(queue.name).location);
  }

  /** Cancels every timer and keeps new ones from being set (emulator shutdown). */
  stop(): void {
    this.scheduler?.stop();
    for (const queue of this.queues.values()) {
      for (const task of queue.tasks.values()) this.scheduler?.disarm(task);
      this.scheduler?.release(queue);
    }
  }

  // ---- helpers ----

  private applyRateLimits(queue: QueueRecord): void {
    const { maxDispatchesPerSecond, maxBurstSize } = queue.rateLimits;
    queue.flow.bucket.configure(maxDispatchesPerSecond, maxBurstSize, this.options.now());
    this.scheduler?.pump(queue);
  }

  private queue(name: string | null | undefined): QueueRecord {
    const parsed = parseQueueName(name);
    const queue = this.queues.get(parsed.name);
    if (!queue) throw notFound(`Requested entity was not found: queue ${parsed.name}`);
    return queue;
  }

  private task(name: string | null | undefined): TaskRecord {
    const parsed = parseTaskName(name);
    const task = this.queue(parsed.queue).tasks.get(parsed.name);
    if (!task) throw notFound(`Requested entity was not found: task ${parsed.name}`);
    return task;
  }

  private isReserved(name: string, now: number): boolean {
    const until = this.reservedNames.get(name);
    if (until === undefined) return false;
    if (until > now) return true;
    this.reservedNames.delete(name);
    return false;
  }

  private sweepReservations(now: number): void {
    for (const [name, until] of this.reservedNames) if (until <= now) this.reservedNames.delete(name);
  }
}

/**
 * Only max_dispatches_per_second and max_concurrent_dispatches are the caller's; max_burst_size is output only and
 * picked by the service from the rate (500/s gives 100). The emulator's pick is rate ÷ 5, rounded up, within
 * [1, 100], recomputed when the rate changes.
 */
function rateLimitsFrom(message: RateLimitsMessage | null | undefined, base: RateLimits): RateLimits {
  const maxDispatchesPerSecond = message?.maxDispatchesPerSecond || base.maxDispatchesPerSecond;
  const limits: RateLimits = {
    maxDispatchesPerSecond,
    maxBurstSize:
      maxDispatchesPerSecond === base.maxDispatchesPerSecond
        ? base.maxBurstSize
        : Math.min(100, Math.max(1, Math.ceil(maxDispatchesPerSecond / 5))),
    maxConcurrentDispatches: message?.maxConcurrentDispatches || base.maxConcurrentDispatches,
  };
  if (limits.maxDispatchesPerSecond <= 0 || limits.maxDispatchesPerSecond > 500) {
    throw invalidArgument('RateLimits.max_dispatches_per_second must be in (0, 500]');
  }
  if (limits.maxConcurrentDispatches <= 0 || limits.maxConcurrentDispatches > 5000) {
    throw invalidArgument('RateLimits.max_concurrent_dispatches must be in [1, 5000]');
  }
  return limits;
}
