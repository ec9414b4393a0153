// Built-in operations over HTTP: /ping, /version and the JWT-protected /auth/version.
import { createTestApp, type TestApp } from '../helpers/create-test-app';
import { expectPymError, read } from './http-test-helpers';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

const VERSION = { name: 'fixture-service', version: '1.2.3', apis: ['items', 'ops'], pym_env: 'test' };

test('GET /ping → 200 {}', async () => {
  const response = await read(await fetch(`${app.url}/ping`));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.body).toEqual({});
});

test('GET /version → name, version, apis and pym_env of the service', async () => {
  const response = await read(await fetch(`${app.url}/version`));
  expect(response.status).toBe(200);
  expect(response.body).toEqual(VERSION);
});

test('GET /auth/version without a token → 401 AUTHORIZATION_HEADER_MISSING', async () => {
  const response = await expectPymError(fetch(`${app.url}/auth/version`), 401, 'AUTHORIZATION_HEADER_MISSING');
  expect(response.headers.get('www-authenticate')).toBe('Bearer');
});

test('GET /auth/version with an invalid token → 401 TOKEN_INVALID', async () => {
  await expectPymError(fetch(`${app.url}/auth/version`, { headers: { authorization: 'Bearer a.b.c' } }), 401, 'TOKEN_INVALID');
});

test('GET /auth/version with a valid token → 200 and the version', async () => {
  const response = await read(await fetch(`${app.url}/auth/version`, { headers: { authorization: `Bearer ${app.token('ops-user')}` } }));
  expect(response.status).toBe(200);
  expect(response.body).toEqual(VERSION);
});

test('built-ins are served at the root, not under an API mount', async () => {
  await expectPymError(fetch(`${app.url}/v1/ping`), 404, 'NOT_FOUND');
  await expectPymError(fetch(`${app.url}/ping`, { method: 'POST' }), 405, 'METHOD_NOT_ALLOWED');
});
