import type { CloudSchedulerService } from './scheduler-service.ts';
import type { CloudTasksService } from './service.ts';

/** One API method: takes the request message (as proto-loader shapes it) and answers a message or throws ApiError. */
export type Handler = (request: Record<string, unknown>) => unknown;

/** An RPC service as both surfaces serve it: its full proto name and its methods by (PascalCase) name. */
export interface ApiService {
  readonly name: string;
  readonly handlers: Readonly<Record<string, Handler>>;
}

function bind<Req>(method: (request: Req) => unknown, self: object): Handler {
  return method.bind(self) as Handler;
}

/** CloudTasks v2. Methods left out (the IAM ones) answer UNIMPLEMENTED on both surfaces. */
export function cloudTasksApi(service: CloudTasksService): ApiService {
  const s = service;
  return {
    name: 'google.cloud.tasks.v2.CloudTasks',
    handlers: {
      ListQueues: bind(s.listQueues, s),
      GetQueue: bind(s.getQueue, s),
      CreateQueue: bind(s.createQueue, s),
      UpdateQueue: bind(s.updateQueue, s),
      DeleteQueue: bind(s.deleteQueue, s),
      PurgeQueue: bind(s.purgeQueue, s),
      PauseQueue: bind(s.pauseQueue, s),
      ResumeQueue: bind(s.resumeQueue, s),
      ListTasks: bind(s.listTasks, s),
      GetTask: bind(s.getTask, s),
      CreateTask: bind(s.createTask, s),
      DeleteTask: bind(s.deleteTask, s),
      RunTask: bind(s.runTask, s),
    },
  };
}

/** CloudScheduler v1: every method. */
export function cloudSchedulerApi(service: CloudSchedulerService): ApiService {
  const s = service;
  return {
    name: 'google.cloud.scheduler.v1.CloudScheduler',
    handlers: {
      ListJobs: bind(s.listJobs, s),
      GetJob: bind(s.getJob, s),
      CreateJob: bind(s.createJob, s),
      UpdateJob: bind(s.updateJob, s),
      DeleteJob: bind(s.deleteJob, s),
      PauseJob: bind(s.pauseJob, s),
      ResumeJob: bind(s.resumeJob, s),
      RunJob: bind(s.runJob, s),
    },
  };
}
