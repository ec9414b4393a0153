// The task resources are part of every JWT service's built-in spec: valid OpenAPI, bound, listed by `pym routes`.
import { builtinDocument } from '../../src/http/builtin-api';
import { apiFromDocument } from '../../src/openapi/load-apis';
import { listOperations } from '../../src/openapi/list-operations';
import { runPym } from '../helpers/spawn-pym';
import { FIXTURE_DIR } from './task-resources-harness';

describe('the built-in task resources', () => {
  test('are in the built-in spec behind JWT, with the PymTaskStatus schema; absent without jwt_secret', async () => {
    const api = await apiFromDocument(builtinDocument(true), { name: 'pym', file: '<builtin>' });
    const operations = listOperations([api]).filter((operation) => operation.fullPath.startsWith('/tasks'));
    expect(operations.map((operation) => [operation.method.toUpperCase(), operation.fullPath, operation.operationId, operation.auth])).toEqual([
      ['GET', '/tasks', 'pymListTasks', 'required'],
      ['GET', '/tasks/{id}', 'pymGetTask', 'required'],
      ['DELETE', '/tasks/{id}', 'pymCancelTask', 'required'],
    ]);
    const schemas = (builtinDocument(true).components as { schemas: Record<string, { properties: Record<string, unknown> }> }).schemas;
    expect(Object.keys(schemas.PymTaskStatus!.properties)).toEqual(
      expect.arrayContaining(['id', 'status', 'progress', 'message', 'result', 'resource_url', 'error', 'links']),
    );
    expect(Object.keys((builtinDocument(false).paths ?? {}) as object)).not.toContain('/tasks');
  });

  test('`pym routes` lists them', async () => {
    const result = await runPym(['routes'], { cwd: FIXTURE_DIR, env: { PYM_CONFIG: undefined, PYM_ENV: 'test' } });
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n').map((line) => line.split(/ {2,}/));
    expect(lines).toEqual(
      expect.arrayContaining([
        ['POST', '/v1/reports', 'handlers/reports#startReport', 'jwt (required)'],
        ['GET', '/tasks', 'pym:pymListTasks', 'jwt (required)'],
        ['GET', '/tasks/{id}', 'pym:pymGetTask', 'jwt (required)'],
        ['DELETE', '/tasks/{id}', 'pym:pymCancelTask', 'jwt (required)'],
      ]),
    );
  }, 30_000);
});
