import test from 'ava';
import { ManualClock } from '../../shared/adapters/memory/clocks.ts';
import { MemoryTaskQueue } from '../../shared/adapters/memory/memory-task-queue.ts';
import { type DeliveredTask, taskQueueContract } from './task-queue.contract.ts';

taskQueueContract(test, async () => {
  const clock = new ManualClock(new Date());
  const delivered: DeliveredTask[] = [];
  let refusals: { count: number; status: number } = { count: 0, status: 200 };
  const queue = new MemoryTaskQueue({
    clock,
    retry: { minBackoffMs: 100, maxBackoffMs: 1000, maxAttempts: 10 },
    targets: {
      'status-checks': {
        url: 'http://status-checker.test/tasks/check-payment',
        dispatch: async (request) => {
          delivered.push({
            path: new URL(request.url).pathname,
            headers: Object.fromEntries(request.headers),
            body: await request.json(),
          });
          if (refusals.count > 0) {
            refusals = { ...refusals, count: refusals.count - 1 };
            return new Response(null, { status: refusals.status });
          }
          return new Response(null, { status: 200 });
        },
      },
    },
  });
  return {
    queue,
    delivered: () => delivered,
    refuseNext: (count, status) => {
      refusals = { count, status };
    },
    async pass(ms) {
      clock.advance(ms);
      await queue.runDue();
    },
    async until() {
      // the manual clock was read when the fixture was made; tasks "now" were scheduled a little after it
      clock.advance(50);
      await queue.runDue();
    },
    close: () => queue.stop(),
  };
});
