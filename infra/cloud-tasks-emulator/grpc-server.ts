import {
  type handleUnaryCall,
  Server,
  ServerCredentials,
  type ServiceError,
  status,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { ApiError } from './api-error.ts';
import type { LogSink } from './log.ts';
import { loadCloudTasksService } from './proto.ts';
import type { CloudTasksService } from './service.ts';

export interface GrpcServer {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Serves CloudTasks v2 on `host:port` without TLS. Methods left out of the implementation (the IAM ones) are answered
 * by grpc-js itself with UNIMPLEMENTED.
 */
export async function startGrpcServer(
  service: CloudTasksService,
  options: { host: string; port: number; log: LogSink },
): Promise<GrpcServer> {
  const unary =
    <Req>(method: string, handler: (request: Req) => unknown): handleUnaryCall<Req, unknown> =>
    (call, callback) => {
      try {
        callback(null, handler(call.request));
      } catch (error) {
        callback(toServiceError(error, method, options.log));
      }
    };
  const implementation: UntypedServiceImplementation = {
    ListQueues: unary('ListQueues', service.listQueues.bind(service)),
    GetQueue: unary('GetQueue', service.getQueue.bind(service)),
    CreateQueue: unary('CreateQueue', service.createQueue.bind(service)),
    UpdateQueue: unary('UpdateQueue', service.updateQueue.bind(service)),
    DeleteQueue: unary('DeleteQueue', service.deleteQueue.bind(service)),
    PurgeQueue: unary('PurgeQueue', service.purgeQueue.bind(service)),
    PauseQueue: unary('PauseQueue', service.pauseQueue.bind(service)),
    ResumeQueue: unary('ResumeQueue', service.resumeQueue.bind(service)),
    ListTasks: unary('ListTasks', service.listTasks.bind(service)),
    GetTask: unary('GetTask', service.getTask.bind(service)),
    CreateTask: unary('CreateTask', service.createTask.bind(service)),
    DeleteTask: unary('DeleteTask', service.deleteTask.bind(service)),
    RunTask: unary('RunTask', service.runTask.bind(service)),
  };

  const server = new Server();
  server.addService(loadCloudTasksService(), implementation);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${options.host}:${options.port}`, ServerCredentials.createInsecure(), (error, boundPort) =>
      error ? reject(error) : resolve(boundPort),
    );
  });
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        // Give in-progress calls a moment, then cut the rest: a test suite must never hang on shutdown.
        const force = setTimeout(() => server.forceShutdown(), 1000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}

function toServiceError(error: unknown, method: string, log: LogSink): Partial<ServiceError> {
  if (error instanceof ApiError) return { code: error.code, details: error.message };
  log({ severity: 'ERROR', message: 'internal error', method, error: String(error) });
  return { code: status.INTERNAL, details: `Internal error: ${String(error)}` };
}
