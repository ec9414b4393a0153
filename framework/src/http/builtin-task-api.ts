// The built-in task resources: GET /tasks, GET /tasks/{id}, DELETE /tasks/{id} (spec paths, schemas and handlers).
import type { AppScope } from '../context/app-scope';
import { getUserTokenData } from '../context/request-context';
import type { OpenApiDocument } from '../openapi/types';
import { TaskResources } from '../tasks/task-resources';
import { httpStatusOf, type TaskStatus, type TaskStatusName } from '../tasks/task-status';
import type { RequestHandlerFunction } from './handler';
import { reply } from './reply';

const STATUSES = ['queued', 'delayed', 'running', 'completed', 'failed', 'cancelled'];
/** A fresh object each time: a shared one would be bundled into a `$ref`. */
const nullableTime = () => ({ type: 'string', format: 'date-time', nullable: true });

/** Schemas of the task resources (components of the built-in spec). */
export const taskSchemas = {
  PymTaskStatus: {
    type: 'object',
    additionalProperties: false,
    required: ['id', 'name', 'status', 'progress', 'message', 'created_at', 'started_at', 'finished_at', 'attempts', 'links'],
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      status: { type: 'string', enum: STATUSES },
      progress: { type: 'integer', minimum: 0, maximum: 100 },
      message: { type: 'string', nullable: true },
      created_at: { type: 'string', format: 'date-time' },
      started_at: nullableTime(),
      finished_at: nullableTime(),
      attempts: { type: 'integer', minimum: 0 },
      result: {},
      resource_url: { type: 'string' },
      error: {
        type: 'object',
        additionalProperties: false,
        required: ['error', 'error_description', 'error_id'],
        properties: {
          error: { type: 'string' },
          error_description: { type: 'string' },
          user_message: { type: 'string' },
          error_id: { type: 'string' },
        },
      },
      links: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['rel', 'href'],
          properties: { rel: { type: 'string', enum: ['self', 'cancel'] }, href: { type: 'string' }, method: { type: 'string', enum: ['DELETE'] } },
        },
      },
    },
  },
  PymTaskList: {
    type: 'object',
    additionalProperties: false,
    required: ['tasks', 'limit', 'offset'],
    properties: {
      tasks: { type: 'array', items: { $ref: '#/components/schemas/PymTaskStatus' } },
      limit: { type: 'integer' },
      offset: { type: 'integer' },
      next_offset: { type: 'integer' },
    },
  },
};

/** Paths of the task resources (all behind JWT). */
export function taskPaths(): OpenApiDocument {
  const json = (schema: object) => ({ content: { 'application/json': { schema } } });
  const status = json({ $ref: '#/components/schemas/PymTaskStatus' });
  const security = [{ pymBearer: [] }];
  const id = { name: 'id', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
  return {
    '/tasks': {
      get: {
        operationId: 'pymListTasks',
        summary: "The caller's tasks, newest first",
        security,
        parameters: [
          { name: 'status', in: 'query', schema: { type: 'string', enum: STATUSES } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
          { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
        ],
        responses: { '200': { description: "The caller's tasks", ...json({ $ref: '#/components/schemas/PymTaskList' }) } },
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
          '201': { description: 'Completed; Location is the resource it made', ...status },
          '202': { description: 'Queued, delayed or running', ...status },
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
