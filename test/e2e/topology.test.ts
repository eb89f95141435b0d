import test from 'ava';
import { startLocalTopology, type Topology } from '../../infra/local/topology.ts';
import { MemoryLogger } from '../../shared/adapters/logging/json-logger.ts';
import { emulatorSuite, uniqueName } from '../support/emulator-test.ts';
import type { Harness } from './harness.ts';
import { registerScenarios } from './scenarios.ts';

const INTERVAL_SECONDS = 2;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The core's end-to-end scenarios again, on the emulator topology: Firestore and Pub/Sub emulators, the Cloud Tasks
 * emulator dispatching real HTTP tasks, each service its own server behind the front door. Time is real here, so the
 * intervals are seconds.
 */
emulatorSuite('firestore', (firestoreHost) => {
  emulatorSuite('pubsub', (pubsubHost) => {
    let topology: Topology | null = null;
    const acquire = async (): Promise<Harness> => {
      topology ??= await startLocalTopology({
        port: 0,
        firestoreHost,
        pubsubHost,
        projectId: uniqueName('topology'),
        statusCheckIntervalSeconds: INTERVAL_SECONDS,
        paymentMaxAgeSeconds: 8,
        logger: new MemoryLogger(),
      });
      const t = topology;
      return {
        intervalSeconds: INTERVAL_SECONDS,
        maxAgeSeconds: 8,
        razorpay: t.razorpay,
        fetch: (path, init) => fetch(new URL(path, t.baseUrl), init),
        async settle() {
          await t.sandbox.settle();
          await sleep(1500);
        },
        passInterval: () => sleep(INTERVAL_SECONDS * 1000),
        close: async () => undefined,
      };
    };
    test.after.always(async () => {
      await topology?.stop();
    });
    registerScenarios(test, 'emulator topology', acquire, async () => undefined);
  });
});
