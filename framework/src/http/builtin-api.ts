// The built-in operations every service has: GET /ping, GET /ready, GET /version, GET /auth/version and the task resources.
import type { PymConfig } from '../config/config-schema';
import type { LoadedApi, OpenApiDocument } from '../openapi/types';
import { readyHandlers, readyPaths } from './builtin-ready-api';
import { taskHandlers, taskPaths, taskSchemas } from './builtin-task-api';
import type { Readiness } from './readiness';
import type { RequestHandlerFunction } from './handler';

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

/**
 * The built-in spec (served and validated like the service's own). `/auth/version` and the task resources
 * (`/tasks`, `/tasks/{id}`) exist when JWT is configured.
 */
export function builtinDocument(withAuth: boolean): OpenApiDocument {
  const json = (schema: object) => ({ content: { 'application/json': { schema } } });
  const paths: OpenApiDocument = {
    '/ping': {
      get: {
        operationId: 'pymPing',
        summary: 'Liveness check',
        security: [],
        responses: { '200': { description: 'Alive', ...json({ type: 'object', additionalProperties: false }) } },
      },
    },
    '/version': {
      get: {
        operationId: 'pymVersion',
        summary: "The service's name, version, APIs and environment",
        security: [],
        responses: { '200': { description: 'Version', ...json({ $ref: '#/components/schemas/PymVersion' }) } },
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
        responses: { '200': { description: 'Version', ...json({ $ref: '#/components/schemas/PymVersion' }) } },
      },
    };
    Object.assign(paths, taskPaths());
  }
  return {
    openapi: '3.0.3',
    info: { title: 'pym built-in operations', version: '1.0.0' },
    paths,
    components: {
      schemas: { PymVersion: versionSchema, ...(withAuth ? taskSchemas : {}) },
      securitySchemes: { pymBearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
}

/** The handlers of the built-in operations, by operationId. */
export function builtinHandlers(config: PymConfig, apis: readonly LoadedApi[], readiness: Readiness): Record<string, RequestHandlerFunction> {
  const version = () => ({ name: config.name, version: config.version, apis: apis.map((api) => api.name), pym_env: config.env });
  return { pymPing: () => ({}), pymVersion: version, pymAuthVersion: version, ...readyHandlers(readiness), ...taskHandlers(config) };
}
