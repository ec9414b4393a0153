// The built-in task resources: GET /tasks, GET /tasks/{id}, DELETE /tasks/{id} (spec paths and handlers).
import type { AppScope } from '../context/app-scope';
import { getUserTokenData } from '../context/request-context';
import type { OpenApiDocument } from '../openapi/types';
import { TaskResources } from '../tasks/task-resources';
import { httpStatusOf, type TaskStatus, type TaskStatusName } from '../tasks/task-status';
import { responseRef, TASK_STATUSES } from './builtin-components';
import type { RequestHandlerFunction } from './handler';
import { reply } from './reply';

/** Paths of the task resources (all behind JWT), with every status they answer. */
export function taskPaths(): OpenApiDocument {
  const json = (schema: object) => ({ content: { 'application/json': { schema } } });
  const status = json({ $ref: '#/components/schemas/PymTaskStatus' });
  const security = [{ pymBearer: [] }];
  const id = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
  const errors = {
    '400': responseRef('PymInvalidRequest'),
    '401': responseRef('PymUnauthorized'),
    '406': responseRef('PymNotAcceptable'),
    '503': responseRef('PymTaskQueueUnavailable'),
  };
  const location = { Location: { description: 'The resource the task made (`setResourceUrl`).', required: true, schema: { type: 'string' } } };
  return {
    '/tasks': {
      get: {
        operationId: 'pymListTasks',
        summary: "The caller's tasks, newest first",
        security,
        parameters: [
          { name: 'status', in: 'query', schema: { type: 'string', enum: [...TASK_STATUSES] } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
          { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
        ],
        responses: { '200': { description: "The caller's tasks", ...json({ $ref: '#/components/schemas/PymTaskList' }) }, ...errors },
      },
    },
    '/tasks/{id}': {
      get: {
        operationId: 'pymGetTask',
        summary: "A task's status: 202 while queued, delayed or running; 201 + Location when it made a resource; else 200",
        security,
        parameters: [id],
        responses: {
          '200': { description: 'Finished (completed with its result, failed or cancelled)', ...status },
          '201': { description: 'Completed; Location is the resource it made', headers: location, ...status },
          '202': { description: 'Queued, delayed or running', ...status },
          ...errors,
          '404': responseRef('PymTaskNotFound'),
        },
      },
      delete: {
        operationId: 'pymCancelTask',
        summary: 'Cancel a task: removes a queued or delayed one, aborts a running one (409 TASK_ALREADY_FINISHED once finished)',
        security,
        parameters: [id],
        responses: {
          '200': { description: 'Cancelled', ...status },
          '202': { description: 'Cancel requested; the running task is stopping', ...status },
          ...errors,
          '404': responseRef('PymTaskNotFound'),
          '409': responseRef('PymTaskAlreadyFinished'),
        },
      },
    },
  };
}

function serve(doc: TaskStatus) {
  const { status, headers } = httpStatusOf(doc);
  return reply(status, doc, headers);
}

/** Handlers of the task resources, by operationId. */
export function taskHandlers(scope: AppScope): Record<string, RequestHandlerFunction> {
  const resources = () => new TaskResources(scope.config, scope.taskBackend().bullmq);
  const caller = () => ({ claims: getUserTokenData() ?? {} });
  return {
    pymGetTask: async ({ params }) => serve(await resources().get(params.id as string, caller())),
    pymCancelTask: async ({ params }) => serve(await resources().cancel(params.id as string, caller())),
    pymListTasks: ({ params }) =>
      resources().list(caller(), {
        status: params.status as TaskStatusName | undefined,
        limit: (params.limit as number | undefined) ?? 20,
        offset: (params.offset as number | undefined) ?? 0,
      }),
  };
}
