import type { Usage } from '../../shared/adapters/metering/metered.ts';

/**
 * Google Cloud list prices in USD, as read on 2026-11-25 from the public pricing pages (cloud.google.com/firestore/
 * pricing, /tasks/pricing, /pubsub/pricing, /run/pricing). Free tiers are ignored: at a million payments they are
 * noise. Firestore: the multi-region (nam5/eur3) document prices, the higher of the two location classes; Cloud Run:
 * request-based billing, tier 1 region. Change them here when the pages change.
 */
export const PRICES = {
  readAt: '2026-11-25',
  firestoreReadPer100k: 0.06,
  firestoreWritePer100k: 0.18,
  firestoreDeletePer100k: 0.02,
  /** A billable operation is a CreateTask call or a push delivery attempt (per 32 KB chunk). */
  cloudTasksPerMillionOps: 0.4,
  /** Message delivery basic: publish and each push are billed at 1,000 bytes at least. */
  pubsubPerTiB: 40,
  pubsubMinBytes: 1000,
  cloudRunPerVcpuSecond: 0.000024,
  cloudRunPerGibSecond: 0.0000025,
  cloudRunPerMillionRequests: 0.4,
} as const;

/** What one payment on a path does, counted: the ports' usage plus the deliveries and requests Cloud Run serves. */
export interface PathCount extends Usage {
  readonly pushesReceived: number;
  readonly taskDeliveries: number;
  /** Requests Cloud Run serves: the app's and the gateway's (webhooks) plus every push and task delivery. */
  readonly runRequests: number;
}

/** USD per million payments of one path; CPU seconds per payment from the in-process measurement. */
export function pricePerMillion(c: PathCount, cpuSecondsPerPayment: number): number {
  const p = PRICES;
  const firestore =
    (c.firestoreReads * p.firestoreReadPer100k +
      c.firestoreWrites * p.firestoreWritePer100k +
      c.firestoreDeletes * p.firestoreDeletePer100k) /
    100_000;
  const tasks = ((c.tasksEnqueued + c.taskDeliveries) * p.cloudTasksPerMillionOps) / 1_000_000;
  const pubsub = ((c.pubsubPublished + c.pushesReceived) * p.pubsubMinBytes * p.pubsubPerTiB) / 2 ** 40;
  // CPU as measured on one process; memory as 512 MiB held for the same time
  const run =
    cpuSecondsPerPayment * (p.cloudRunPerVcpuSecond + 0.5 * p.cloudRunPerGibSecond) +
    (c.runRequests * p.cloudRunPerMillionRequests) / 1_000_000;
  return (firestore + tasks + pubsub + run) * 1_000_000;
}
