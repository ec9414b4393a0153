// Errors over HTTP: unexpected errors hidden behind an error_id, debug mode, BAD_RESPONSE, service codes, reportError and formatError hooks.
import { formatError as defaultFormatError, type ErrorFormatter } from '../../src/errors/format-error';
import type { ErrorReport, ErrorReporter } from '../../src/errors/report-error';
import { createTestApp, type TestApp } from '../helpers/create-test-app';
import { PLAIN_FAILURE_MESSAGE } from '../fixtures/service/src/ops';
import { expectPymError } from './http-test-helpers';

function get(target: TestApp, path: string, headers: Record<string, string> = {}) {
  return fetch(`${target.url}${path}`, { headers });
}

let app: TestApp;
const reports: ErrorReport[] = [];
/** The hooks of `app` delegate to these, so one app serves every hook case. */
let reporter: ErrorReporter = (report) => void reports.push(report);
let formatter: ErrorFormatter = defaultFormatError;

beforeAll(async () => {
  app = await createTestApp({ reportError: (report) => reporter(report), formatError: (err, context) => formatter(err, context) });
});
afterAll(() => app.close());
afterEach(() => {
  reporter = (report) => void reports.push(report);
  formatter = defaultFormatError;
});

describe('default settings (debug off)', () => {
  test('a handler throwing a plain Error → 500 SERVER_ERROR, generic description, error_id of the log line', async () => {
    const response = await expectPymError(get(app, '/ops/fail/plain', { 'x-request-id': 'plain-failure-1' }), 500, 'SERVER_ERROR');
    expect(response.body.error_description).toBe('An unexpected error occurred');
    expect(response.text).not.toContain(PLAIN_FAILURE_MESSAGE);
    expect(response.text).not.toContain('hunter2');
    expect(response.text).not.toMatch(/\bat \S+ \(|ops\.ts|stack/);
    expect(response.body).not.toHaveProperty('debug');

    const logged = await app.waitForLog((record) => record.level === 50 && record.requestId === 'plain-failure-1');
    expect(logged.errorId).toBe(response.body.error_id);
    expect(logged.code).toBe('SERVER_ERROR');
    // The log keeps the original error for the operators.
    expect(logged.err.message).toBe(PLAIN_FAILURE_MESSAGE);
  });

  test('reportError receives the report with the same errorId, the cause and the request', async () => {
    const response = await expectPymError(get(app, '/ops/fail/plain', { 'x-request-id': 'plain-failure-2' }), 500, 'SERVER_ERROR');
    const report = reports.find((candidate) => candidate.request?.requestId === 'plain-failure-2');
    expect(report).toBeDefined();
    expect(report!.errorId).toBe(response.body.error_id);
    expect(report!.code).toBe('SERVER_ERROR');
    expect(report!.status).toBe(500);
    expect((report!.cause as Error).message).toBe(PLAIN_FAILURE_MESSAGE);
    expect(report!.request).toMatchObject({ method: 'GET', url: '/ops/fail/plain', operationId: 'failPlain' });
  });

  test('a reply that breaks the response schema → 500 BAD_RESPONSE; the reply paths go to the report, not the client', async () => {
    const response = await expectPymError(get(app, '/ops/fail/bad-response'), 500, 'BAD_RESPONSE');
    expect(response.body.errors).toBeUndefined();
    const report = reports.find((candidate) => candidate.errorId === response.body.error_id)!;
    const details = report.error.errors!;
    expect(details.map((detail) => detail.path).sort()).toEqual(['/response/extra', '/response/ok']);
    for (const detail of details) expect(Object.keys(detail).sort()).toEqual(['message', 'path']);
  });

  test('a code made with defineError (409) → its status, code, message and user_message, no error_id, not reported', async () => {
    const before = reports.length;
    const response = await expectPymError(get(app, '/ops/fail/conflict'), 409, 'ITEM_CONFLICT');
    expect(response.body).toEqual({
      status: 409,
      error: 'ITEM_CONFLICT',
      error_description: 'Item 42 already exists',
      user_message: 'This item already exists.',
    });
    expect(reports.length).toBe(before);
  });

  test.each([
    ['/v1/items?limit=abc', 400, 'INVALID_PARAMETER'],
    ['/ops/whoami', 401, 'AUTHORIZATION_HEADER_MISSING'],
    ['/ops/nowhere', 404, 'NOT_FOUND'],
  ])('4xx errors have no error_id and are not reported: GET %s → %i', async (path, status, code) => {
    const before = reports.length;
    const response = await expectPymError(get(app, path), status, code);
    expect(response.body).not.toHaveProperty('error_id');
    expect(reports.length).toBe(before);
  });
});

describe('debug: true', () => {
  test('the internal message and stack of the caught error appear in the body', async () => {
    const debugApp = await createTestApp({ config: { debug: true } });
    const response = await expectPymError(get(debugApp, '/ops/fail/plain'), 500, 'SERVER_ERROR').finally(() => debugApp.close());
    expect(response.text).toContain(PLAIN_FAILURE_MESSAGE);
    expect(response.body.debug?.message).toBe(PLAIN_FAILURE_MESSAGE);
    expect(response.body.debug?.stack).toContain('failPlain');
  });
});

describe('reportError hooks that misbehave never change the response', () => {
  const cases: { name: string; reporter: (report: ErrorReport) => void | Promise<void>; warns: boolean }[] = [
    {
      name: 'a reporter that throws',
      reporter: () => {
        throw new Error('reporter exploded');
      },
      warns: true,
    },
    { name: 'a reporter that rejects', reporter: () => Promise.reject(new Error('reporter rejected')), warns: true },
    { name: 'a reporter that never resolves', reporter: () => new Promise<void>(() => undefined), warns: false },
  ];

  test.each(cases)('$name', async ({ reporter: misbehaving, warns }) => {
    const called: string[] = [];
    reporter = (report) => {
      called.push(report.errorId);
      return misbehaving(report);
    };
    const response = await expectPymError(get(app, '/ops/fail/plain'), 500, 'SERVER_ERROR');
    expect(Object.keys(response.body).sort()).toEqual(['error', 'error_description', 'error_id', 'status']);
    expect(called).toEqual([response.body.error_id]);
    if (warns) {
      const warning = await app.waitForLog((record) => record.msg === 'reportError hook failed' && record.errorId === response.body.error_id);
      expect(warning.err.message).toMatch(/^reporter (exploded|rejected)$/);
    }
    // The server still serves.
    expect((await get(app, '/ping')).status).toBe(200);
  });
});

describe('formatError hook', () => {
  test('shapes every error body (5xx and 4xx)', async () => {
    formatter = (err, context) => ({ failure: { code: err.code, http: err.status, id: context.errorId ?? null } });
    const server = await get(app, '/ops/fail/plain');
    expect(server.status).toBe(500);
    expect(await server.json()).toEqual({ failure: { code: 'SERVER_ERROR', http: 500, id: expect.stringMatching(/^[0-9a-f-]{36}$/) } });

    const client = await get(app, '/ops/fail/conflict');
    expect(client.status).toBe(409);
    expect(await client.json()).toEqual({ failure: { code: 'ITEM_CONFLICT', http: 409, id: null } });
  });

  test('a formatError that throws falls back to the default shape', async () => {
    formatter = () => {
      throw new Error('formatter exploded');
    };
    const response = await expectPymError(get(app, '/ops/fail/plain'), 500, 'SERVER_ERROR');
    expect(response.body.error_description).toBe('An unexpected error occurred');
    const warning = await app.waitForLog((record) => record.msg.startsWith('formatError hook failed') && record.errorId === response.body.error_id);
    expect(warning.err.message).toBe('formatter exploded');
    await expectPymError(get(app, '/ops/fail/conflict'), 409, 'ITEM_CONFLICT');
  });

  test('a formatError whose body JSON cannot hold (a BigInt) falls back too: never Express\'s HTML page with the stack', async () => {
    formatter = (err) => ({ code: err.code, count: 1n });
    const response = await expectPymError(get(app, '/ops/fail/plain'), 500, 'SERVER_ERROR'); // JSON, pym's shape
    await app.waitForLog((record) => record.msg.startsWith('formatError hook failed') && record.errorId === response.body.error_id);
  });
});
