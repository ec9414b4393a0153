// Tests of the service with pym's test kit and node:test: the app runs in this process on a free port, with a config
// of its own; tasks run inline (no Redis needed).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp, expectError, type TestApp } from '@pym/framework/testing';
import { ReportOrder } from '../apis/__API__.models';

let app: TestApp;

before(async () => {
  app = await createTestApp();
});

after(() => app.close());

test('GET /v1/hello greets anyone, no token needed', async () => {
  const res = await app.get('/v1/hello', { query: { name: 'Ada' } });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { message: 'Hello, Ada!' });
});

test('GET /v1/me needs a token, and answers with its subject', async () => {
  expectError(await app.get('/v1/me'), 401, 'AUTHORIZATION_HEADER_MISSING');
  const res = await app.get('/v1/me', { token: app.tokenFor('ada') });
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, { userId: 'ada' });
});

test('POST /v1/reports starts a task (202) whose result is the report', async () => {
  const res = await app.post('/v1/reports', new ReportOrder({ topic: 'the quick brown fox' }), { token: app.tokenFor('ada') });
  assert.equal(res.status, 202);
  assert.equal(res.headers.get('location'), `/tasks/${res.body.id}`);
  const done = await app.waitForTask(res.body);
  assert.equal(done.status, 'completed');
  assert.deepEqual(done.result, { topic: 'the quick brown fox', words: 4 });
});

test('POST /v1/reports refuses a body that breaks the spec', async () => {
  const { errors } = expectError(await app.post('/v1/reports', { topic: '' }, { token: app.tokenFor('ada') }), 400, 'INVALID_PARAMETER');
  assert.equal(errors?.[0]?.path, '/body/topic');
});
