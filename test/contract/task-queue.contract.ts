import type { TestFn } from 'ava';
import type { TaskQueue } from '../../shared/ports/task-queue.ts';

export interface DeliveredTask {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

export interface TaskQueueFixture {
  readonly queue: TaskQueue;
  /** Requests the target received so far. */
  delivered(): readonly DeliveredTask[];
  /** The target answers `status` to its next `count` requests (then 200). */
  refuseNext(count: number, status: number): void;
  /** Lets `ms` pass and whatever falls due run (a manual clock, or real time on the emulator). */
  pass(ms: number): Promise<void>;
  /** Waits (bounded) until `done` holds for the deliveries. */
  until(done: (d: readonly DeliveredTask[]) => boolean): Promise<void>;
  close(): Promise<void>;
}

/** The promises of the TaskQueue port, for the in-memory queue and Cloud Tasks (through the project's emulator). */
export function taskQueueContract(test: TestFn, make: () => Promise<TaskQueueFixture>): void {
  const now = () => new Date();
  let n = 0;
  const id = () => `ord_contract${process.pid}x${++n}-check-1`;

  test.serial('enqueue → created; the target gets one POST with the body and Cloud Tasks headers', async (t) => {
    const f = await make();
    const taskId = id();
    t.is(
      await f.queue.enqueue({
        queue: 'status-checks',
        id: taskId,
        body: { a: 1 },
        scheduleTime: now(),
      }),
      'created',
    );
    await f.until((d) => d.length >= 1);
    const [task] = f.delivered();
    t.is(task?.path, '/tasks/check-payment');
    t.deepEqual(task?.body, { a: 1 });
    t.is(task?.headers['x-cloudtasks-taskname'], taskId);
    t.is(task?.headers['x-cloudtasks-queuename'], 'status-checks');
    t.is(task?.headers['x-cloudtasks-taskretrycount'], '0');
    await f.close();
  });

  test.serial('enqueue: the same task id twice → already-exists, delivered once', async (t) => {
    const f = await make();
    const task = {
      queue: 'status-checks' as const,
      id: id(),
      body: {},
      scheduleTime: now(),
    };
    t.is(await f.queue.enqueue(task), 'created');
    t.is(await f.queue.enqueue(task), 'already-exists');
    await f.until((d) => d.length >= 1);
    await f.pass(500);
    t.is(f.delivered().length, 1);
    t.is(await f.queue.enqueue(task), 'already-exists', 'the name stays taken after the task ran');
    await f.close();
  });

  test.serial('enqueue: nothing is delivered before the schedule time', async (t) => {
    const f = await make();
    await f.queue.enqueue({
      queue: 'status-checks',
      id: id(),
      body: {},
      scheduleTime: new Date(Date.now() + 1500),
    });
    await f.pass(300);
    t.is(f.delivered().length, 0);
    await f.pass(1500);
    await f.until((d) => d.length >= 1);
    t.is(f.delivered().length, 1);
    await f.close();
  });

  test.serial('a non-2xx answer → the task is retried, with its retry count', async (t) => {
    const f = await make();
    f.refuseNext(1, 503);
    await f.queue.enqueue({
      queue: 'status-checks',
      id: id(),
      body: {},
      scheduleTime: now(),
    });
    await f.until((d) => d.length >= 1);
    await f.pass(1000);
    await f.until((d) => d.length >= 2);
    t.deepEqual(
      f.delivered().map((d) => d.headers['x-cloudtasks-taskretrycount']),
      ['0', '1'],
    );
    await f.close();
  });
}
