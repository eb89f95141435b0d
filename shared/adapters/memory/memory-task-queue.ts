import type { Clock } from '../../ports/clock.ts';
import type { EnqueueResult, QueueName, TaskQueue, TaskRequest } from '../../ports/task-queue.ts';
import { DeliveryLoop, type Dispatch, type PendingDelivery, Pumped, type RetryPolicy } from './delivery-loop.ts';
import { inProcessRequest } from './in-process-http.ts';

export interface MemoryTaskQueueOptions {
  readonly clock: Clock;
  /** Where each queue's tasks go: the target's URL (service and path) and how to reach it. */
  readonly targets: Readonly<Partial<Record<QueueName, { readonly url: string; readonly dispatch: Dispatch }>>>;
  readonly retry?: RetryPolicy;
  /** Signs the OIDC token Cloud Tasks would attach; absent → no Authorization header. */
  readonly token?: (audience: string) => Promise<string>;
  readonly audience?: string;
}

/**
 * Cloud Tasks in memory: named, delayed HTTP tasks. A name is refused once used (Cloud Tasks keeps names reserved
 * after a task ran), each task reaches its target as an HTTP POST with Cloud Tasks' headers, and a non-2xx is retried.
 */
export class MemoryTaskQueue extends Pumped<TaskRequest> implements TaskQueue {
  private readonly names = new Set<string>();
  protected readonly loop: DeliveryLoop<TaskRequest>;
  readonly abandoned: TaskRequest[] = [];

  constructor(private readonly options: MemoryTaskQueueOptions) {
    super();
    this.loop = new DeliveryLoop(
      options.clock,
      options.retry ?? { minBackoffMs: 100, maxBackoffMs: 60_000, maxAttempts: 100 },
      (d) => this.dispatch(d),
      (d) => this.abandoned.push(d.item),
    );
  }

  async enqueue(task: TaskRequest): Promise<EnqueueResult> {
    if (!this.options.targets[task.queue]) throw new Error(`no target configured for queue ${task.queue}`);
    const name = `${task.queue}/${task.id}`;
    if (this.names.has(name)) return 'already-exists';
    this.names.add(name);
    this.loop.add(name, structuredClone(task), task.scheduleTime.getTime());
    return 'created';
  }

  /** Tasks waiting (scheduled in the future or backing off). */
  pending(): readonly TaskRequest[] {
    return this.loop.pending().map((d) => d.item);
  }

  private async dispatch(d: PendingDelivery<TaskRequest>): Promise<boolean> {
    const target = this.options.targets[d.item.queue]!;
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Google-Cloud-Tasks',
      'x-cloudtasks-queuename': d.item.queue,
      'x-cloudtasks-taskname': d.item.id,
      'x-cloudtasks-taskretrycount': String(d.attempts),
      'x-cloudtasks-taskexecutioncount': String(d.attempts),
      'x-cloudtasks-tasketa': String(d.item.scheduleTime.getTime() / 1000),
    };
    if (this.options.token) {
      headers.authorization = `Bearer ${await this.options.token(this.options.audience ?? new URL(target.url).origin)}`;
    }
    const body = JSON.stringify(d.item.body);
    // in process: an answer left unread holds no socket, and reading `body` would build a stream just to cancel it
    const response = await target.dispatch(inProcessRequest(target.url, { method: 'POST', headers, body }));
    return response.ok;
  }
}
