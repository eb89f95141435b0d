import { CloudSchedulerClient, type protos } from '@google-cloud/scheduler';
import { credentials, status } from '@grpc/grpc-js';

/** A Cloud Scheduler HTTP job as the product declares it: what to call, when, and with whose OIDC token. */
export interface SchedulerJobSpec {
  /** Job id (the last segment of its name). */
  readonly id: string;
  readonly schedule: string;
  readonly timeZone: string;
  readonly uri: string;
  /** OIDC token for this service account, with this audience (the target service's URL). */
  readonly serviceAccountEmail: string;
  readonly audience: string;
  readonly body?: unknown;
  readonly retryCount?: number;
}

type Client = Pick<CloudSchedulerClient, 'getJob' | 'createJob' | 'updateJob'>;

export type JobChange = 'created' | 'updated' | 'unchanged';

/**
 * Makes each job exist as declared: created when missing, updated (schedule, time zone, target, retries) when it
 * drifted, left alone otherwise. Running it twice changes nothing; the same code serves Google Cloud and the local
 * emulator. With `dryRun` it only reads: the results say what it would do, and `drift` names what differs.
 */
export async function ensureSchedulerJobs(
  client: Client,
  parent: string,
  jobs: readonly SchedulerJobSpec[],
  options: { readonly dryRun?: boolean } = {},
): Promise<{ id: string; change: JobChange; drift: string[] }[]> {
  const results: { id: string; change: JobChange; drift: string[] }[] = [];
  for (const spec of jobs) {
    const name = `${parent}/jobs/${spec.id}`;
    const wanted = {
      name,
      schedule: spec.schedule,
      timeZone: spec.timeZone,
      httpTarget: {
        uri: spec.uri,
        httpMethod: 'POST' as const,
        headers: { 'Content-Type': 'application/json' },
        body: Buffer.from(JSON.stringify(spec.body ?? {})),
        oidcToken: { serviceAccountEmail: spec.serviceAccountEmail, audience: spec.audience },
      },
      retryConfig: { retryCount: spec.retryCount ?? 3 },
    };
    let existing: protos.google.cloud.scheduler.v1.IJob | null = null;
    try {
      [existing] = await client.getJob({ name });
    } catch (error) {
      if ((error as { code?: unknown }).code !== status.NOT_FOUND) throw error;
    }
    if (!existing) {
      if (!options.dryRun) await client.createJob({ parent, job: wanted });
      results.push({ id: spec.id, change: 'created', drift: [] });
      continue;
    }
    const compared: [string, unknown, unknown][] = [
      ['schedule', existing.schedule, wanted.schedule],
      ['timeZone', existing.timeZone, wanted.timeZone],
      ['uri', existing.httpTarget?.uri, wanted.httpTarget.uri],
      ['oidc.serviceAccount', existing.httpTarget?.oidcToken?.serviceAccountEmail, spec.serviceAccountEmail],
      ['oidc.audience', existing.httpTarget?.oidcToken?.audience, spec.audience],
      ['body', Buffer.from(existing.httpTarget?.body ?? []).toString('utf8'), JSON.stringify(spec.body ?? {})],
      ['retryCount', existing.retryConfig?.retryCount ?? 0, wanted.retryConfig.retryCount],
    ];
    const drift = compared.filter(([, was, is]) => was !== is).map(([field, was, is]) => `${field}: ${was} → ${is}`);
    const drifted = drift.length > 0;
    if (drifted && !options.dryRun) {
      await client.updateJob({
        job: wanted,
        updateMask: { paths: ['schedule', 'time_zone', 'http_target', 'retry_config'] },
      });
    }
    results.push({ id: spec.id, change: drifted ? 'updated' : 'unchanged', drift });
  }
  return results;
}

/**
 * The production client (Application Default Credentials, TLS) or, with `emulatorHost` ("host:port"), one that
 * reaches the project's emulator (Cloud Scheduler beside Cloud Tasks) over plaintext gRPC.
 */
export function createSchedulerClient(options: { emulatorHost?: string } = {}): CloudSchedulerClient {
  if (!options.emulatorHost) return new CloudSchedulerClient();
  const match = /^(.*):(\d+)$/.exec(options.emulatorHost);
  if (!match) throw new Error(`emulatorHost must be "host:port", got "${options.emulatorHost}"`);
  return new CloudSchedulerClient({
    apiEndpoint: match[1]!,
    port: Number(match[2]),
    sslCreds: credentials.createInsecure(),
    universeDomain: 'googleapis.com',
  });
}
