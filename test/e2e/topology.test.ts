import { PubSub, type Subscription } from '@google-cloud/pubsub';
import test from 'ava';
import { startLocalTopology, type Topology } from '../../infra/local/topology.ts';
import { createSchedulerClient } from '../../shared/adapters/cloud-scheduler/scheduler-jobs.ts';
import { MemoryLogger } from '../../shared/adapters/logging/json-logger.ts';
import { emulatorSuite, uniqueName } from '../support/emulator-test.ts';
import { registerAfterPaymentScenarios } from './after-payment-scenarios.ts';
import { type Harness, operator } from './harness.ts';
import { registerReconciliationScenarios } from './reconciliation-scenarios.ts';
import { registerScenarios } from './scenarios.ts';
import { type SeenEvent, topologyHarness } from './topology-harness.ts';

const INTERVAL_SECONDS = 2;
const FINANCE_KEY = 'topology-test-finance-key-01';
const SUPPORT_KEY = 'topology-test-support-key-01';
const topologyLogger = new MemoryLogger();
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The core's end-to-end scenarios again, on the emulator topology: Firestore and Pub/Sub emulators, the Cloud Tasks
 * emulator dispatching real HTTP tasks, each service its own server behind the front door. Time is real here, so the
 * intervals are seconds.
 */
emulatorSuite('firestore', (firestoreHost) => {
  emulatorSuite('pubsub', (pubsubHost) => {
    let topology: Topology | null = null;
    let capture: Subscription | null = null;
    // every event published, seen through an extra pull subscription, so they can be pushed again
    const seen: SeenEvent[] = [];
    const acquire = async (): Promise<Harness> => {
      if (!topology) {
        const projectId = uniqueName('topology');
        topology = await startLocalTopology({
          port: 0,
          firestoreHost,
          pubsubHost,
          projectId,
          settings: {
            OPERATOR_API_KEYS: `finance:${FINANCE_KEY},support:${SUPPORT_KEY}`,
            STATUS_CHECK_INTERVAL_SECONDS: String(INTERVAL_SECONDS),
            PAYMENT_MAX_AGE_SECONDS: '8',
            REFUND_CHECK_INTERVAL_SECONDS: String(INTERVAL_SECONDS),
          },
          refundAutoSettleMs: 200,
          logger: topologyLogger,
        });
        [capture] = await new PubSub({ projectId }).topic('payment-events').createSubscription('capture-all');
        capture.on('message', (m) => {
          seen.push({ data: JSON.parse(m.data.toString('utf8')), messageId: m.id });
          m.ack();
        });
      }
      return topologyHarness(topology, {
        intervalSeconds: INTERVAL_SECONDS,
        maxAgeSeconds: 8,
        supportKey: SUPPORT_KEY,
        seen,
      });
    };
    test.afterEach.always((t) => {
      if (!t.passed) {
        const interesting = topologyLogger.lines.filter((l) => l.severity === 'WARNING' || l.severity === 'ERROR');
        t.log(JSON.stringify(interesting.slice(-15), null, 1));
      }
    });
    test.after.always(async () => {
      await capture?.close();
      await topology?.stop();
    });
    test.serial(
      'emulator topology: the outbox sweep is a Cloud Scheduler job in the emulator; RunJob reaches the status checker, its token verified',
      async (t) => {
        await acquire();
        const scheduler = createSchedulerClient({ emulatorHost: topology!.services.cloudTasksEmulator! });
        const name = `${topology!.schedulerParent}/jobs/outbox-sweep`;
        const [job] = await scheduler.getJob({ name });
        t.is(job.schedule, '* * * * *');
        t.is(job.timeZone, 'Asia/Kolkata');
        t.is(job.httpTarget?.uri, `${topology!.services['status-checker']}/jobs/sweep-outbox`);
        await scheduler.runJob({ name });
        let status: number | null | undefined;
        for (let i = 0; i < 50 && !status && status !== 0; i++) {
          await sleep(100);
          const [after] = await scheduler.getJob({ name });
          status = after.lastAttemptTime ? (after.status?.code ?? 0) : undefined;
        }
        t.is(
          status,
          0,
          'the attempt succeeded: 2xx from the status checker, which refuses a push without a valid token',
        );
        await scheduler.close();
      },
    );
    test.serial(
      'emulator topology: the nightly reconciliation is a Cloud Scheduler job in the emulator; RunJob starts a run of the day before',
      async (t) => {
        const h = await acquire();
        const scheduler = createSchedulerClient({ emulatorHost: topology!.services.cloudTasksEmulator! });
        const name = `${topology!.schedulerParent}/jobs/nightly-reconciliation`;
        const [job] = await scheduler.getJob({ name });
        t.is(job.schedule, '30 0 * * *');
        t.is(job.timeZone, 'Asia/Kolkata');
        t.is(job.httpTarget?.uri, `${topology!.services.reconciler}/jobs/reconcile`);
        await scheduler.runJob({ name });
        const yesterday = new Date(Date.now() + 330 * 60_000 - 86_400_000).toISOString().slice(0, 10);
        const id = `rec_${yesterday.replaceAll('-', '')}_nightly`;
        let run: any = null;
        for (let i = 0; i < 100 && run?.status !== 'completed'; i++) {
          await sleep(200);
          const res = await operator(h, 'GET', `/v1/ops/reconciliations/${id}`);
          run = res.ok ? await res.json() : null;
        }
        t.is(run?.status, 'completed', JSON.stringify(run));
        t.is(run?.trigger, 'schedule');
        t.is(run?.requestedBy, 'scheduler');
        t.is(run?.day, yesterday);
        await scheduler.close();
      },
    );
    registerScenarios(test, 'emulator topology', acquire, async () => undefined);
    registerReconciliationScenarios(test, 'emulator topology', acquire, async () => undefined, {
      checksRunOnTheirOwn: true,
    });
    registerAfterPaymentScenarios(test, 'emulator topology', acquire, async () => undefined);
  });
});
