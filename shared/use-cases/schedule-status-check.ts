import type { Deps } from './deps.ts';

/** The body of a status-check task. `chain` tasks re-enqueue the next check; a one-off (after confirm) does not. */
export interface StatusCheckTask {
  readonly orderId: string;
  readonly check: number;
  readonly chain: boolean;
}

/**
 * One chain of checks per order: check N+1 is named after the order and N, so a redelivered task N (Cloud Tasks is
 * at-least-once) re-enqueues a name that already exists and is refused, instead of starting a second chain.
 */
export async function scheduleStatusCheck(
  task: StatusCheckTask,
  delaySeconds: number,
  deps: Pick<Deps, 'tasks' | 'clock' | 'logger'>,
  name = `${task.orderId}-check-${task.check}`,
): Promise<void> {
  const result = await deps.tasks.enqueue({
    queue: 'status-checks',
    id: name,
    body: task,
    scheduleTime: new Date(deps.clock.now().getTime() + delaySeconds * 1000),
  });
  deps.logger.log('DEBUG', 'status check scheduled', { orderId: task.orderId, task: name, result });
}
