// The test kit (@pym/framework/testing) under jest: HTTP helpers, expectError, tokenFor, inline and worker tasks, clean-up.
import { AssertionError } from 'node:assert';
import path from 'node:path';
import IORedis from 'ioredis';
import jwt from 'jsonwebtoken';
import { getModel } from '@pym/framework';
import { createTestApp, expectError, type TestApp } from '@pym/framework/testing';

const FIXTURE = path.resolve(__dirname, '../fixtures/kit-service');
const redis = new IORedis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });

afterAll(() => redis.disconnect());

async function keysUnder(prefix: string): Promise<string[]> {
  return redis.keys(`${prefix}:*`);
}

describe('an inline test app', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ cwd: FIXTURE });
  });
  afterAll(() => app.close());

  test('it listens on a free port of 127.0.0.1 with a config of its own: port 0, a unique prefix, the test environment', () => {
    expect(app.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(app.url).not.toMatch(/:0$/);
    expect(app.config).toMatchObject({ name: 'kit-fixture', env: 'test', port: 0, host: '127.0.0.1' });
    expect(app.config.async.prefix).toMatch(/^pym-kit-fixture-test-[0-9a-f-]{36}$/);
    expect(app.config.async.attempts).toBe(2); // the file's async keys stay
  });

  test('get, post, put, patch and delete give status, headers and the parsed JSON body', async () => {
    const listed = await app.get('/v1/notes', { query: { tag: 'a b', absent: undefined } });
    expect(listed).toMatchObject({ status: 200, body: { method: 'GET', query: { tag: 'a b' } } });
    expect(listed.headers.get('content-type')).toMatch(/^application\/json/);
    expect(listed.headers.get('x-request-id')).toBeTruthy();

    const posted = await app.post('/v1/notes', { text: 'hello' }, { headers: { 'x-request-id': 'kit-request-1' } });
    expect(posted).toMatchObject({ status: 201, body: { method: 'POST', body: { text: 'hello' } } });
    expect(posted.headers.get('location')).toBe('/v1/notes/1');
    expect(posted.headers.get('x-request-id')).toBe('kit-request-1');

    expect(await app.put('/v1/notes/7', { text: 'replaced' })).toMatchObject({ status: 200, body: { method: 'PUT', id: '7', body: { text: 'replaced' } } });
    expect(await app.patch('/v1/notes/7', { pinned: true })).toMatchObject({ status: 200, body: { method: 'PATCH', id: '7', body: { pinned: true } } });
    const deleted = await app.delete('/v1/notes/7');
    expect(deleted).toMatchObject({ status: 204, body: undefined, text: '' });
  });

  test('a model instance is sent as its JSON', async () => {
    const Note = getModel('Note') as new (fields: object) => object;
    const note = new Note({ text: 'from a model', tags: ['x'] });
    expect(await app.post('/v1/notes', note)).toMatchObject({ status: 201, body: { body: { text: 'from a model', tags: ['x'] } } });
  });

  test('expectError returns the error body when status and code match, and throws an AssertionError quoting the response otherwise', async () => {
    const invalid = await app.post('/v1/notes', { text: '' });
    const body = expectError(invalid, 400, 'INVALID_PARAMETER');
    expect(body.errors?.[0]).toMatchObject({ path: '/body/text' });

    expect(() => expectError(invalid, 401, 'INVALID_PARAMETER')).toThrow(AssertionError);
    expect(() => expectError(invalid, 400, 'NOT_FOUND')).toThrow(/expected a 400 NOT_FOUND error, got 400: \{"status":400,"error":"INVALID_PARAMETER"/);
    const ok = await app.get('/v1/notes');
    expect(() => expectError(ok, 404, 'NOT_FOUND')).toThrow(/got 200: \{"method":"GET"/);
  });

  test('tokenFor signs with the app\'s config: claims and lifetime are the caller\'s; a token of another secret is refused', async () => {
    expectError(await app.get('/v1/me'), 401, 'AUTHORIZATION_HEADER_MISSING');
    const token = app.tokenFor('ada', { claims: { role: 'editor' }, expiresIn: 120 });
    expect(jwt.verify(token, app.config.jwt_secret!, { issuer: 'pym-kit-fixture', audience: 'pym-kit-fixture-clients' })).toMatchObject({ sub: 'ada', role: 'editor' });
    expect(await app.get('/v1/me', { token })).toMatchObject({ status: 200, body: { userId: 'ada', role: 'editor', expiresIn: 120 } });
    expect((await app.get('/v1/me', { token: app.tokenFor('bob') })).body).toEqual({ userId: 'bob', expiresIn: 86400 });
    const foreign = jwt.sign({ sub: 'ada' }, 'another-secret-of-sixteen-chars', { expiresIn: 60, issuer: 'pym-kit-fixture', audience: 'pym-kit-fixture-clients' });
    expectError(await app.get('/v1/me', { token: foreign }), 401, 'TOKEN_INVALID');
  });

  test('a task runs inline in this process, as its caller, and waitForTask gives its final status document', async () => {
    const started = await app.post('/v1/exports', { text: 'twelve chars' }, { token: app.tokenFor('ada') });
    expect(started.status).toBe(202);
    expect(started.headers.get('location')).toBe(`/tasks/${started.body.id}`);
    const done = await app.waitForTask(started.body);
    expect(done).toMatchObject({ id: started.body.id, name: 'Exports.run', status: 'completed', progress: 100, attempts: 1 });
    expect(done.result).toEqual({ length: 12, by: 'ada', pid: process.pid });
    expect(await app.waitForTask(started.body.id)).toEqual(done); // by id too, once finished
  });

  test('a failed inline task ends failed with its user-facing error, not retried', async () => {
    const started = await app.post('/v1/exports', { text: 'fail' }, { token: app.tokenFor('ada') });
    const failed = await app.waitForTask(started.body);
    expect(failed).toMatchObject({ status: 'failed', progress: 50, attempts: 1, error: { error: 'TASK_FAILED', error_description: 'The export could not be written' } });
    expect(app.logs().some((record) => record.msg === 'task Exports.run failed' && record.errorId === failed.error!.error_id)).toBe(true);
  });

  test('waitForTask of an unknown task rejects', async () => {
    await expect(app.waitForTask('no-such-task')).rejects.toThrow(/No task no-such-task was enqueued in this process/);
  });
});

describe('a test app whose tasks run in a real worker on Redis', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ cwd: FIXTURE, tasks: 'worker' });
  });
  afterAll(() => app.close());

  test('the worker takes the task from Redis under the app\'s own prefix; waitForTask awaits its end; close() deletes the prefix', async () => {
    const started = await app.post('/v1/exports', { text: 'queued' }, { token: app.tokenFor('grace') });
    expect(started.status).toBe(202);
    const done = await app.waitForTask(started.body);
    expect(done).toMatchObject({ status: 'completed', attempts: 1, result: { length: 6, by: 'grace' } });
    const failed = await app.waitForTask((await app.post('/v1/exports', { text: 'fail' }, { token: app.tokenFor('grace') })).body);
    expect(failed).toMatchObject({ status: 'failed', error: { error: 'TASK_FAILED' } });
    // The task resource over HTTP says the same (it reads Redis).
    expect(await app.get(`/tasks/${started.body.id}`, { token: app.tokenFor('grace') })).toMatchObject({ status: 200, body: { status: 'completed', result: done.result } });

    const { prefix } = app.config.async;
    expect((await keysUnder(prefix)).length).toBeGreaterThan(0);
    await app.close();
    expect(await keysUnder(prefix)).toEqual([]);
  });
});

test('tasks: worker without Redis fails at once, naming the URL and the way out', async () => {
  await expect(createTestApp({ cwd: FIXTURE, tasks: 'worker', config: { async: { redis_url: 'redis://127.0.0.1:1' } } })).rejects.toThrow(
    /\{ tasks: 'worker' \}\) needs Redis at redis:\/\/127\.0\.0\.1:1 .*use tasks: 'inline'/,
  );
});
