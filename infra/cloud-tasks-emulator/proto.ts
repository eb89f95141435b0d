import { createRequire } from 'node:module';
import path from 'node:path';
import type { ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';

/**
 * The CloudTasks v2 service definition, built from the very .proto files that ship inside @google-cloud/tasks (its
 * google/api, google/iam, google/rpc and google/protobuf imports come from google-gax, which the client depends on),
 * so the emulator speaks exactly the wire format of the client it serves.
 */
export function loadCloudTasksService(): ServiceDefinition {
  const require = createRequire(import.meta.url);
  // Resolved through package entry points, not guessed node_modules paths, so hoisting does not matter.
  const tasksProtos = path.dirname(require.resolve('@google-cloud/tasks/build/protos'));
  const gaxProtos = path.join(
    path.dirname(createRequire(path.join(tasksProtos, 'protos.cjs')).resolve('google-gax')),
    '..',
    'protos',
  );
  const options: Options = {
    keepCase: false, // camelCase field names, as the Node client uses them
    longs: String, // int64 seconds of Timestamp/Duration as decimal strings
    enums: String, // e.g. httpMethod: 'POST'
    defaults: false, // unset fields stay undefined, so "absent" can be told from "zero" where it matters
    oneofs: false,
    includeDirs: [tasksProtos, gaxProtos],
  };
  const definition = loadSync('google/cloud/tasks/v2/cloudtasks.proto', options);
  return definition['google.cloud.tasks.v2.CloudTasks'] as ServiceDefinition;
}
