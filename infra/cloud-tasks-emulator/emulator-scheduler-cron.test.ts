import test from 'ava';
import { startCloudTasksEmulator } from './emulator.ts';
import { eventually, schedulerClient, startTarget } from './test-helpers.ts';

// The one slow test of the folder (up to a minute): a job fires on its own schedule, not only on RunJob.
test('a job scheduled "* * * * *" fires on its own at the top of the next minute, with that minute as X-CloudScheduler-ScheduleTime', async (t) => {
  t.timeout(90_000);
  const emulator = await startCloudTasksEmulator();
  const client = schedulerClient(emulator, 'grpc');
  const target = await startTarget();
  t.teardown(async () => {
    await client.close();
    await emulator.stop();
    await target.close();
  });
  const parent = 'projects/cron-project/locations/us-central1';
  const [job] = await client.createJob({
    parent,
    job: { name: `${parent}/jobs/every-minute`, schedule: '* * * * *', httpTarget: { uri: `${target.baseUrl}/tick` } },
  });
  const due = Number(job.scheduleTime?.seconds) * 1000;
  t.is(due % 60_000, 0);
  t.true(due - Date.now() <= 60_000);

  const request = await eventually(() => target.at('/tick')[0], 65_000);
  t.is(request.headers['x-cloudscheduler-scheduletime'], new Date(due).toISOString());
  t.true(request.receivedAtMs >= due, 'never before its time');
  t.true(request.receivedAtMs - due < 5_000, 'and promptly');

  const [after] = await client.getJob({ name: job.name! });
  t.is(Number(after.scheduleTime?.seconds) * 1000, due + 60_000, 'scheduleTime moves on to the next minute');
});
