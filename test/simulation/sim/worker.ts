import { parentPort, workerData } from 'node:worker_threads';
import { runSeed } from './simulate.ts';

// One seed at a time, as the main thread hands them out, so a slow seed never holds up the others' worker.
const { steps } = workerData as { steps: number };
parentPort!.on('message', async (seed: number) => {
  parentPort!.postMessage(await runSeed(seed, { steps }));
});
