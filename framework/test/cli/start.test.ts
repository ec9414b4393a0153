// `pym start` serving a fixture service: the listening line, built-ins, TypeScript handlers, --env, SIGTERM.
import { startPym, type PymProcess } from '../helpers/spawn-pym';
import { CLEAN_ENV, fixture } from './cli-test-helpers';

describe('pym start', () => {
  let dev: PymProcess;
  let testEnv: PymProcess;
  beforeAll(async () => {
    // JEST_WORKER_ID is set on purpose: regression test for the TypeScript loader being skipped in a pym
    // process spawned by a jest test (it inherits the variable), which left every .ts handler "not found".
    const env = { ...CLEAN_ENV, PYM_ENV: 'dev', JEST_WORKER_ID: '1' };
    [dev, testEnv] = await Promise.all([
      startPym({ cwd: fixture('notes'), args: ['--port', '0'], env }),
      startPym({ cwd: fixture('notes'), args: ['--port', '0', '--env', 'test'], env }),
    ]);
  }, 90_000); // several processes on a shared 2-core machine
  afterAll(async () => {
    await Promise.all([dev?.stop(), testEnv?.stop()]);
  });

  test('logs one listening line with the URL and the number of bound operations', () => {
    const listening = dev.lines.filter((line) => line.includes('listening on'));
    expect(listening).toHaveLength(1);
    const entry = JSON.parse(listening[0]) as { url: string; operations: number; env: string; msg: string };
    expect(entry.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(entry.url).not.toMatch(/:0$/);
    // 4 operations in the specs + /ping, /version, /auth/version + the task resources (GET /tasks, GET and DELETE /tasks/{id}).
    expect(entry).toMatchObject({ operations: 11, env: 'dev', msg: `cli-notes listening on ${entry.url} (11 operations)` });
  });

  test('GET /ping answers {}', async () => {
    const response = await fetch(`${dev.url}/ping`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
  });

  test('serves the TypeScript handlers bound by the specs, under the servers prefix', async () => {
    const response = await fetch(`${dev.url}/v1/notes`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([{ id: '1', text: 'first' }]);
  });

  test('without --env, PYM_ENV selects the environment: /version reports dev and the base config', async () => {
    const response = await fetch(`${dev.url}/version`);
    expect(await response.json()).toEqual({ name: 'cli-notes', version: '1.0.0', apis: ['admin', 'notes'], pym_env: 'dev' });
  });

  test('--env test overrides PYM_ENV and lays pym-config.test.yaml over the config', async () => {
    const response = await fetch(`${testEnv.url}/version`);
    expect(await response.json()).toEqual({ name: 'cli-notes', version: '2.0.0-test', apis: ['admin', 'notes'], pym_env: 'test' });
  });

  test('SIGTERM stops the server cleanly with exit code 0', async () => {
    const url = testEnv.url;
    expect(await testEnv.stop()).toBe(0);
    expect(testEnv.lines.some((line) => line.includes('SIGTERM: shutting down'))).toBe(true);
    await expect(fetch(`${url}/ping`)).rejects.toThrow();
  });
});
