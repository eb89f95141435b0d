import { createRequire } from 'node:module';
import path from 'node:path';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';
import protobuf from 'protobufjs';

const require = createRequire(import.meta.url);

/** Where a client package keeps its .proto files, resolved through its entry points so hoisting does not matter. */
function protosDir(pkg: '@google-cloud/tasks' | '@google-cloud/scheduler'): string {
  // @google-cloud/tasks exports only `./build/protos` (its protos.cjs); @google-cloud/scheduler has no exports map.
  return path.dirname(
    require.resolve(pkg === '@google-cloud/tasks' ? pkg + '/build/protos' : `${pkg}/build/protos/protos.json`),
  );
}

/** google/api, google/rpc, google/protobuf imports come from the google-gax the client itself depends on. */
function gaxProtosDir(clientProtos: string): string {
  return path.join(
    path.dirname(createRequire(path.join(clientProtos, 'protos.json')).resolve('google-gax')),
    '..',
    'protos',
  );
}

/** Options matching how the emulator's handlers read messages (REST requests are brought into the same shape). */
export const MESSAGE_SHAPE = {
  longs: String, // int64 seconds of Timestamp/Duration as decimal strings
  enums: String, // e.g. httpMethod: 'POST'
  defaults: false, // unset fields stay undefined, so "absent" can be told from "zero" where it matters
  oneofs: false,
} as const;

export interface ServiceDefinitions {
  readonly tasks: ServiceDefinition;
  readonly scheduler: ServiceDefinition;
}

/**
 * CloudTasks v2 and CloudScheduler v1, built from the very .proto files that ship inside the client packages, so the
 * emulator speaks exactly the wire format of the clients it serves.
 */
export function loadServiceDefinitions(): ServiceDefinitions {
  const load = (pkg: '@google-cloud/tasks' | '@google-cloud/scheduler', file: string, service: string) => {
    const dir = protosDir(pkg);
    const options: Options = { keepCase: false, ...MESSAGE_SHAPE, includeDirs: [dir, gaxProtosDir(dir)] };
    return loadSync(file, options)[service] as ServiceDefinition;
  };
  return {
    tasks: load('@google-cloud/tasks', 'google/cloud/tasks/v2/cloudtasks.proto', 'google.cloud.tasks.v2.CloudTasks'),
    scheduler: load(
      '@google-cloud/scheduler',
      'google/cloud/scheduler/v1/cloudscheduler.proto',
      'google.cloud.scheduler.v1.CloudScheduler',
    ),
  };
}

/** The protobufjs services (with their `google.api.http` annotations) the REST surface is derived from. */
export function loadRestServices(): protobuf.Service[] {
  const root = (pkg: '@google-cloud/tasks' | '@google-cloud/scheduler') =>
    protobuf.Root.fromJSON(require(path.join(protosDir(pkg), 'protos.json')) as protobuf.INamespace);
  return [
    root('@google-cloud/tasks').lookupService('google.cloud.tasks.v2.CloudTasks'),
    root('@google-cloud/scheduler').lookupService('google.cloud.scheduler.v1.CloudScheduler'),
  ];
}
