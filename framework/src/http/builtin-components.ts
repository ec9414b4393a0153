// The components of pym's built-in spec: its schemas (error body, version, task status) and standard error responses.
import type { OpenApiDocument } from '../openapi/types';
import type { TaskStatusName } from '../tasks/task-status';

/** The `status` values of a task resource. */
export const TASK_STATUSES: readonly TaskStatusName[] = ['queued', 'delayed', 'running', 'completed', 'failed', 'cancelled'];
const nullableTime = () => ({ type: 'string', format: 'date-time', nullable: true });
const schemaRef = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ content: { 'application/json': { schema } } });

/** The body of every error pym answers (formatError's default shape). */
const errorBodySchema = {
  description: "pym's error body, the same for every error: `error` is a stable upper-case code, e.g. `TASK_NOT_FOUND`.",
  type: 'object',
  required: ['status', 'error', 'error_description'],
  properties: {
    status: { type: 'integer', minimum: 400, maximum: 599, example: 404 },
    error: { type: 'string', example: 'NOT_FOUND' },
    error_description: { type: 'string' },
    error_id: { type: 'string', description: 'Set on every 5xx: the id of its log line and error report.' },
    user_message: { type: 'string', description: 'A message fit to show the end user, when the error has one.' },
    errors: {
      type: 'array',
      description: 'Per-field problems of an invalid request (the first 20; `errors_count` says how many there were).',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: { path: { type: 'string', example: '/body/email' }, message: { type: 'string' } },
      },
    },
    errors_count: { type: 'integer', minimum: 21, description: 'How many problems there were, when `errors` lists only the first 20.' },
    debug: {
      type: 'object',
      description: 'With `debug: true` only (PYM_ENV dev or test): the internal message and stack.',
      required: ['message'],
      properties: { message: { type: 'string' }, stack: { type: 'string' } },
    },
  },
};

const versionSchema = {
  type: 'object',
  required: ['name', 'version', 'apis', 'pym_env'],
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    version: { type: 'string' },
    apis: { type: 'array', items: { type: 'string' } },
    pym_env: { type: 'string' },
  },
};

const taskStatusSchema = {
  description: 'The status document of a task resource (`GET /tasks/{id}`), also the body of the 202 of `accepted(taskRef)`.',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'status', 'progress', 'message', 'created_at', 'started_at', 'finished_at', 'attempts', 'links'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    status: { type: 'string', enum: [...TASK_STATUSES] },
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
};

const taskListSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['tasks', 'limit', 'offset'],
  properties: {
    tasks: { type: 'array', items: schemaRef('PymTaskStatus') },
    limit: { type: 'integer' },
    offset: { type: 'integer' },
    next_offset: { type: 'integer' },
  },
};

/** An error response with pym's error body. */
function errorResponse(description: string, headers?: Record<string, unknown>) {
  return { description, ...(headers ? { headers } : {}), ...json(schemaRef('PymErrorBody')) };
}

/** The standard error responses, by component name (a service's specs may `$ref` them too). */
const errorResponses = {
  PymInvalidRequest: errorResponse('INVALID_PARAMETER: the request does not match the spec (malformed JSON, a bad body or parameter, an unknown query parameter); `errors[]` lists each problem.'),
  PymUnauthorized: errorResponse('AUTHORIZATION_HEADER_MISSING, TOKEN_INVALID or TOKEN_EXPIRED.', {
    'WWW-Authenticate': { description: '`Bearer`, or `Bearer error="invalid_token"` when a token was sent.', schema: { type: 'string' } },
  }),
  PymNotFound: errorResponse('NOT_FOUND, or a not-found code of the operation.'),
  PymNotAcceptable: errorResponse('NOT_ACCEPTABLE: the Accept header allows none of the types the operation answers with.'),
  PymPayloadTooLarge: errorResponse('PAYLOAD_TOO_LARGE: the body is over the service\'s `body_limit`.'),
  PymUnsupportedMediaType: errorResponse('UNSUPPORTED_MEDIA_TYPE: the body\'s Content-Type is not one the operation accepts.'),
  PymServerError: errorResponse('SERVER_ERROR (or another 5xx code): `error_id` names the log line and the error report.'),
  PymTaskNotFound: errorResponse('TASK_NOT_FOUND: no such task, it expired, or it belongs to someone else.'),
  PymTaskAlreadyFinished: errorResponse('TASK_ALREADY_FINISHED: the task completed or failed before the cancel.'),
  PymTaskQueueUnavailable: errorResponse('TASK_QUEUE_UNAVAILABLE: the task queue (Redis) did not answer in time.'),
  PymServiceNotReady: errorResponse('SERVICE_NOT_READY: `errors[]` names each failing check (`redis`, `shutdown`).'),
  PymTokenKeysUnavailable: errorResponse('TOKEN_KEYS_UNAVAILABLE: the key set of the token\'s identity provider cannot be fetched; the token may be valid, retry after `Retry-After` seconds.', {
    'Retry-After': { description: 'Seconds before the key set is fetched again.', schema: { type: 'integer' } },
  }),
};

/** The `Location` of a task resource. */
const taskLocationHeader = { description: 'The task resource, `/tasks/{id}`.', required: true, schema: { type: 'string', example: '/tasks/5f0c4c8e-3c0f-4e43-9b8a-2f6f3b8d9a10' } };

/** The 202 of `accepted(taskRef)`: the task's status document, `Location` its resource. */
const taskAcceptedResponse = {
  description: 'Accepted: the work runs as a task; `Location` is its resource (`GET /tasks/{id}`), the body its status.',
  headers: { Location: { $ref: '#/components/headers/PymTaskLocation' } },
  ...json(schemaRef('PymTaskStatus')),
};

/**
 * The components of the built-in spec. Without JWT (no task resources) the task schemas and responses are left out.
 */
export function builtinComponents(withTasks: boolean): OpenApiDocument {
  const { PymTaskNotFound, PymTaskAlreadyFinished, PymTaskQueueUnavailable, ...generic } = errorResponses;
  return structuredClone({
    schemas: {
      PymErrorBody: errorBodySchema,
      PymVersion: versionSchema,
      ...(withTasks ? { PymTaskStatus: taskStatusSchema, PymTaskList: taskListSchema } : {}),
    },
    responses: { ...generic, ...(withTasks ? { PymTaskNotFound, PymTaskAlreadyFinished, PymTaskQueueUnavailable } : {}) },
    securitySchemes: { pymBearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
  });
}

/**
 * What a service's specs may reference (the file `pym gen` writes as `apis/_pym/components.yaml`): the error body,
 * the task status, the standard error responses and the 202 of `accepted(taskRef)` with its `Location` header.
 */
export function referencedComponents(): OpenApiDocument {
  return structuredClone({
    schemas: { PymErrorBody: errorBodySchema, PymTaskStatus: taskStatusSchema },
    responses: { ...errorResponses, PymTaskAccepted: taskAcceptedResponse },
    headers: { PymTaskLocation: taskLocationHeader },
  });
}

/** A `$ref` to a standard response of the built-in spec. */
export function responseRef(name: keyof typeof errorResponses): { $ref: string } {
  return { $ref: `#/components/responses/${name}` };
}
