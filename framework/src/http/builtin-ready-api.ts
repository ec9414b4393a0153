// The built-in readiness operation, GET /ready: 200 when the server can serve, else 503 SERVICE_NOT_READY naming why.
import { ServiceNotReady } from '../errors/builtin-errors';
import { formatError } from '../errors/format-error';
import type { OpenApiDocument } from '../openapi/types';
import { responseRef } from './builtin-components';
import type { RequestHandlerFunction } from './handler';
import type { Readiness } from './readiness';
import { reply } from './reply';

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
          '400': responseRef('PymInvalidRequest'),
          '406': responseRef('PymNotAcceptable'),
          '503': responseRef('PymServiceNotReady'),
        },
      },
    },
  };
}

/**
 * The handler of `/ready`. Its 503 is replied, not thrown: probes ask every few seconds, and a server that drains or
 * has lost Redis must not log and report an error per probe (Readiness logs each change once). The body is pym's
 * error shape, without error_id (nothing is logged under it), and not passed to a service's formatError hook.
 */
export function readyHandlers(readiness: Readiness): Record<string, RequestHandlerFunction> {
  return {
    async pymReady() {
      const problems = await readiness.problems();
      if (problems.length === 0) return { status: 'ready' };
      const error = new ServiceNotReady(`Not ready: ${problems.map((problem) => problem.message).join('; ')}`, { errors: problems });
      return { ...reply(error.status, formatError(error, { debug: false })), unvalidated: true as const };
    },
  };
}
