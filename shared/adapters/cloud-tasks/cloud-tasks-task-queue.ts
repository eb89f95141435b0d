import { CloudTasksClient, type protos } from '@google-cloud/tasks';
import { credentials, status } from '@grpc/grpc-js';
import type { EnqueueResult, QueueName, TaskQueue, TaskRequest } from '../../ports/task-queue.ts';

type CreateTaskRequest = protos.google.cloud.tasks.v2.ICreateTaskRequest;

/** The one call the adapter makes; `CloudTasksClient` satisfies it, and tests can pass a fake. */
export interface CreateTaskClient {
  createTask(request: CreateTaskRequest): Promise<unknown>;
}

export interface CloudTasksTaskQueueOptions {
  readonly project: string;
  readonly location: string;
  /** Per product queue: the Cloud Tasks queue id and the URL (service and path) its tasks are sent to. */
  readonly queues: Readonly<
    Partial<
      Record<
        QueueName,
        {
          readonly queue: string;
          readonly url: string;
          /** The OIDC audience the target service expects; default: the options' `audience`. */
          readonly audience?: string;
        }
      >
    >
  >;
  /** When set, each task carries an OIDC token for this service account, which the target verifies. */
  readonly serviceAccountEmail?: string;
  /** Token audience; when unset Cloud Tasks uses the task's URL. */
  readonly audience?: string;
}

/** TaskQueue over Cloud Tasks HTTP-target tasks (or the emulator, which speaks the same API). */
export class CloudTasksTaskQueue implements TaskQueue {
  constructor(
    private readonly client: CreateTaskClient,
    private readonly options: CloudTasksTaskQueueOptions,
  ) {}

  async enqueue(task: TaskRequest): Promise<EnqueueResult> {
    const { project, location, serviceAccountEmail } = this.options;
    const target = this.options.queues[task.queue];
    const audience = target?.audience ?? this.options.audience;
    if (!target) throw new Error(`No Cloud Tasks queue configured for "${task.queue}"`);
    const parent = `projects/${project}/locations/${location}/queues/${target.queue}`;
    const scheduleMs = task.scheduleTime.getTime();
    try {
      await this.client.createTask({
        parent,
        task: {
          // The deterministic name is what makes enqueueing idempotent: Cloud Tasks refuses a name it has seen.
          name: `${parent}/tasks/${task.id}`,
          scheduleTime: { seconds: Math.floor(scheduleMs / 1000), nanos: (scheduleMs % 1000) * 1e6 },
          httpRequest: {
            httpMethod: 'POST',
            url: target.url,
            headers: { 'Content-Type': 'application/json' },
            body: Buffer.from(JSON.stringify(task.body)),
            ...(serviceAccountEmail ? { oidcToken: { serviceAccountEmail, ...(audience ? { audience } : {}) } } : {}),
          },
        },
      });
      return 'created';
    } catch (error) {
      if (isGrpcStatus(error, status.ALREADY_EXISTS)) return 'already-exists';
      throw error;
    }
  }
}

function isGrpcStatus(error: unknown, code: status): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/**
 * The production client (Application Default Credentials, TLS) or, with `emulatorHost` ("host:port"), one that
 * reaches the Cloud Tasks emulator over plaintext gRPC without looking for Google credentials.
 */
export function createCloudTasksClient(options: { emulatorHost?: string } = {}): CloudTasksClient {
  if (!options.emulatorHost) return new CloudTasksClient();
  const match = /^(.*):(\d+)$/.exec(options.emulatorHost);
  if (!match) throw new Error(`emulatorHost must be "host:port", got "${options.emulatorHost}"`);
  return new CloudTasksClient({
    apiEndpoint: match[1]!, // an IPv6 literal keeps its brackets: gax joins `${apiEndpoint}:${port}`
    port: Number(match[2]),
    sslCreds: credentials.createInsecure(),
    // Stated explicitly so google-gax does not go looking for credentials (or a metadata server) to learn it.
    universeDomain: 'googleapis.com',
  });
}
