import type { Deps, PaymentSettings } from './deps.ts';

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

/** The longest gap between two checks of an order once they back off. */
export const MAX_BACKED_OFF_INTERVAL_SECONDS = 4 * 3600;

/**
 * The delay before an order's next status check. Until the order is `statusCheckBackoffAfterSeconds` old it is the
 * interval (15 minutes by default: the product's promise while a payment is likely). After that a payment is
 * unlikely and every check is a Cloud Task, a gateway call and a Firestore read, so the gap grows with the age past
 * the threshold (15 min, 30 min, 1 h, 2 h, …) up to 4 h, shortened so one check lands when the order expires.
 */
export function nextCheckDelaySeconds(
  ageSeconds: number,
  settings: Pick<
    PaymentSettings,
    'statusCheckIntervalSeconds' | 'statusCheckBackoffAfterSeconds' | 'paymentMaxAgeSeconds'
  >,
): number {
  const interval = settings.statusCheckIntervalSeconds;
  const after = settings.statusCheckBackoffAfterSeconds ?? 0;
  if (after <= 0 || ageSeconds < after) return interval;
  const backedOff = Math.min(MAX_BACKED_OFF_INTERVAL_SECONDS, Math.max(interval, ageSeconds - after));
  const untilExpiry = Math.ceil(settings.paymentMaxAgeSeconds - ageSeconds);
  return untilExpiry > 0 ? Math.min(backedOff, untilExpiry) : interval;
}
