/** The queues the product uses. Each maps (in config) to a Cloud Tasks queue and the service it targets. */
export type QueueName = 'status-checks' | 'refund-checks' | 'notification-deliveries';

export interface TaskRequest {
  readonly queue: QueueName;
  /**
   * Deterministic task id (letters, digits, `-`, `_`; at most 500 chars). Enqueuing the same id again is refused
   * the way Cloud Tasks refuses it (ALREADY_EXISTS), which is what makes re-scheduling idempotent.
   */
  readonly id: string;
  /** Path on the target service, e.g. `/tasks/check-payment`. */
  readonly path: string;
  readonly body: unknown;
  readonly scheduleTime: Date;
}

export type EnqueueResult = 'created' | 'already-exists';

export interface TaskQueue {
  enqueue(task: TaskRequest): Promise<EnqueueResult>;
}

/** What a task's target learns from Cloud Tasks' request headers. */
export interface TaskContext {
  readonly queueName: string;
  readonly taskName: string;
  readonly retryCount: number;
  readonly executionCount: number;
}
