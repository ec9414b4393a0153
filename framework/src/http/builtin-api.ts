// The built-in operations every service has: GET /ping, GET /ready, GET /version, GET /auth/version and the task resources.
import type { AppScope } from '../context/app-scope';
import type { LoadedApi, OpenApiDocument } from '../openapi/types';
import { builtinComponents, responseRef } from './builtin-components';
import { readyHandlers, readyPaths } from './builtin-ready-api';
import { taskHandlers, taskPaths } from './builtin-task-api';
import type { Readiness } from './readiness';
import type { RequestHandlerFunction } from './handler';

const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const version = { description: 'Version', ...json({ $ref: '#/components/schemas/PymVersion' }) };
/** What any operation may answer: an unknown query parameter, an Accept header that excludes JSON. */
const anyOperationErrors = { '400': responseRef('PymInvalidRequest'), '406': responseRef('PymNotAcceptable') };

/**
 * The built-in spec (served at `/openapi/pym.json`, validated like the service's own). `/auth/version` and the task
 * resources (`/tasks`, `/tasks/{id}`) exist when JWT is configured. Every operation declares every status it answers,
 * errors included (with the `PymErrorBody` schema).
 */
export function builtinDocument(withAuth: boolean): OpenApiDocument {
  const paths: OpenApiDocument = {
    '/ping': {
      get: {
        operationId: 'pymPing',
        summary: 'Liveness check',
        security: [],
        responses: { '200': { description: 'Alive', ...json({ type: 'object', additionalProperties: false }) }, ...anyOperationErrors },
      },
    },
    '/version': {
      get: {
        operationId: 'pymVersion',
        summary: "The service's name, version, APIs and environment",
        security: [],
        responses: { '200': version, ...anyOperationErrors },
      },
    },
    ...readyPaths(),
  };
  if (withAuth) {
    paths['/auth/version'] = {
      get: {
        operationId: 'pymAuthVersion',
        summary: 'The same as /version, behind JWT (checks a token end to end)',
        security: [{ pymBearer: [] }],
        responses: { '200': version, ...anyOperationErrors, '401': responseRef('PymUnauthorized') },
      },
    };
    Object.assign(paths, taskPaths());
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'pym built-in operations',
      version: '1.0.0',
      description: 'Liveness, version and the task resources every pym service has. Errors have the `PymErrorBody` shape.',
    },
    paths,
    components: builtinComponents(withAuth),
  };
}

/** The handlers of the built-in operations, by operationId. */
export function builtinHandlers(scope: AppScope, apis: readonly LoadedApi[], readiness: Readiness): Record<string, RequestHandlerFunction> {
  const { config } = scope;
  const version = () => ({ name: config.name, version: config.version, apis: apis.map((api) => api.name), pym_env: config.env });
  return { pymPing: () => ({}), pymVersion: version, pymAuthVersion: version, ...readyHandlers(readiness), ...taskHandlers(scope) };
}
