import type { Deps } from './deps.ts';

/** The body of a refund-check task: the N-th check of one refund. */
export interface RefundCheckTask {
  readonly orderId: string;
  readonly refundId: string;
  readonly check: number;
}

/**
 * Enqueues the next check of a refund. The task is named after the refund and N, so a redelivered task N
 * re-enqueues a name that already exists and is refused, instead of starting a second chain.
 */
export async function scheduleRefundCheck(
  task: RefundCheckTask,
  deps: Pick<Deps, 'tasks' | 'clock' | 'settings'>,
): Promise<void> {
  await deps.tasks.enqueue({
    queue: 'refund-checks',
    id: `${task.refundId}-check-${task.check}`,
    body: task,
    scheduleTime: new Date(deps.clock.now().getTime() + deps.settings.refundCheckIntervalSeconds * 1000),
  });
}
