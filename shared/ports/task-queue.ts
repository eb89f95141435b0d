/** The queues the product uses. Which service and path each reaches is decided by the composition root. */
export type QueueName = 'status-checks' | 'refund-checks' | 'notification-deliveries' | 'reconciliations';

export interface TaskRequest {
  readonly queue: QueueName;
  /**
   * Deterministic task id (letters, digits, `-`, `_`; at most 500 chars). Enqueuing the same id again is refused
   * the way Cloud Tasks refuses it (ALREADY_EXISTS), which is what makes re-scheduling idempotent.
   */
  readonly id: string;
  readonly body: unknown;
  readonly scheduleTime: Date;
}

export type EnqueueResult = 'created' | 'already-exists';

export interface TaskQueue {
  enqueue(task: TaskRequest): Promise<EnqueueResult>;
}
