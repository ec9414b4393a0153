// The built-in readiness operation, GET /ready: 200 when the server can serve, else 503 SERVICE_NOT_READY naming why.
import { ServiceNotReady } from '../errors/builtin-errors';
import type { OpenApiDocument } from '../openapi/types';
import type { RequestHandlerFunction } from './handler';
import type { Readiness } from './readiness';

/** The `/ready` path item of the built-in spec. */
export function readyPaths(): OpenApiDocument {
  return {
    '/ready': {
      get: {
        operationId: 'pymReady',
        summary: 'Readiness check: 503 while the task queue is unreachable or the server is shutting down',
        security: [],
        responses: {
          '200': {
            description: 'Ready',
            content: {
              'application/json': {
                schema: { type: 'object', required: ['status'], additionalProperties: false, properties: { status: { type: 'string', enum: ['ready'] } } },
              },
            },
          },
          '503': { description: 'Not ready (SERVICE_NOT_READY): `errors[]` names each failing check (`redis`, `shutdown`)' },
        },
      },
    },
  };
}

/** The handler of `/ready`. */
export function readyHandlers(readiness: Readiness): Record<string, RequestHandlerFunction> {
  return {
    async pymReady() {
      const problems = await readiness.problems();
      if (problems.length === 0) return { status: 'ready' };
      throw new ServiceNotReady(`Not ready: ${problems.map((problem) => problem.message).join('; ')}`, { errors: problems });
    },
  };
}
