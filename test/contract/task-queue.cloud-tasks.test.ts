import test from 'ava';
import { startCloudTasksEmulator } from '../../infra/cloud-tasks-emulator/emulator.ts';
import { startTarget } from '../../infra/cloud-tasks-emulator/test-helpers.ts';
import {
  CloudTasksTaskQueue,
  createCloudTasksClient,
} from '../../shared/adapters/cloud-tasks/cloud-tasks-task-queue.ts';
import { type DeliveredTask, taskQueueContract } from './task-queue.contract.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// The project's own Cloud Tasks emulator runs in process, so this suite needs no gcloud and never skips.
taskQueueContract(test, async () => {
  const emulator = await startCloudTasksEmulator({
    queues: ['projects/contract/locations/asia-south1/queues/status-checks'],
  });
  let refusals = { count: 0, status: 200 };
  const target = await startTarget(() => {
    if (refusals.count === 0) return 200;
    refusals = { ...refusals, count: refusals.count - 1 };
    return refusals.status;
  });
  const client = createCloudTasksClient({ emulatorHost: emulator.endpoint });
  // the emulator's default retry config starts at 0.1 s, so a retry arrives well within the waits below
  const queue = new CloudTasksTaskQueue(client, {
    project: 'contract',
    location: 'asia-south1',
    queues: { 'status-checks': { queue: 'status-checks', url: `${target.baseUrl}/tasks/check-payment` } },
  });
  const delivered = (): DeliveredTask[] =>
    target.requests.map((r) => ({
      path: r.path,
      headers: Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k, String(v)])),
      body: JSON.parse(r.body),
    }));
  return {
    queue,
    delivered,
    refuseNext: (count, status) => {
      refusals = { count, status };
    },
    pass: (ms) => sleep(ms),
    async until(done) {
      const deadline = Date.now() + 10_000;
      while (!done(delivered()) && Date.now() < deadline) await sleep(25);
    },
    async close() {
      await client.close();
      await emulator.stop();
      await target.close();
    },
  };
});
