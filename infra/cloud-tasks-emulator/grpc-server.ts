import {
  type handleUnaryCall,
  Server,
  ServerCredentials,
  type ServiceDefinition,
  type ServiceError,
  status,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { ApiError } from './api-error.ts';
import type { ApiService } from './api-handlers.ts';
import type { LogSink } from './log.ts';

export interface GrpcServer {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * Serves the given APIs on one `host:port` without TLS. Methods left out of an implementation are answered by
 * grpc-js itself with UNIMPLEMENTED.
 */
export async function startGrpcServer(
  services: readonly { readonly definition: ServiceDefinition; readonly api: ApiService }[],
  options: { host: string; port: number; log: LogSink },
): Promise<GrpcServer> {
  const server = new Server();
  for (const { definition, api } of services) {
    const implementation: UntypedServiceImplementation = {};
    for (const [method, handler] of Object.entries(api.handlers)) {
      const unary: handleUnaryCall<Record<string, unknown>, unknown> = (call, callback) => {
        try {
          callback(null, handler(call.request));
        } catch (error) {
          callback(toServiceError(error, method, options.log));
        }
      };
      implementation[method] = unary;
    }
    server.addService(definition, implementation);
  }
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
