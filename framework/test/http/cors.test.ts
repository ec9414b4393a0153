// CORS: preflights answered from the spec before JWT, the configured origins only, Location and X-Request-Id exposed; off by default.
import { createTestApp, type TestApp } from '../helpers/create-test-app';
import { expectPymError, read } from './http-test-helpers';
import { loadConfig } from '../../src/config/load-config';
import { FIXTURE_SERVICE_ROOT } from '../helpers/create-test-app';
import path from 'node:path';

const APP_ORIGIN = 'https://app.example.com';
const apps: TestApp[] = [];
afterAll(() => Promise.all(apps.map((app) => app.close())));

async function testApp(cors?: Record<string, unknown>): Promise<TestApp> {
  const app = await createTestApp(cors ? { config: { cors } as never } : {});
  apps.push(app);
  return app;
}

function preflight(url: string, origin: string, method: string, headers = 'authorization,content-type') {
  return fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': headers } });
}

describe('with cors.origins set', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await testApp({ origins: [APP_ORIGIN], credentials: true, max_age: 120 });
  });

  test('a preflight of a JWT-protected operation is answered 204 without a token: the methods the spec declares there, pym’s headers', async () => {
    const response = await read(await preflight(`${app.url}/ops/whoami`, APP_ORIGIN, 'GET'));
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    expect(Object.fromEntries([...response.headers].filter(([name]) => name.startsWith('access-control-') || name === 'vary'))).toEqual({
      'access-control-allow-origin': APP_ORIGIN,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET,HEAD',
      'access-control-allow-headers': 'Authorization,Content-Type,Idempotency-Key,traceparent,tracestate,X-Request-Id',
      'access-control-expose-headers': 'Location,X-Request-Id',
      'access-control-max-age': '120',
      vary: 'Origin',
    });
    expect(response.headers.get('x-request-id')).toBeTruthy();
  });

  test('a path with several operations: every method of that path (from the spec)', async () => {
    const response = await preflight(`${app.url}/v1/items/1`, APP_ORIGIN, 'DELETE');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-methods')).toBe('DELETE,GET,HEAD');
  });

  test('the actual request from that origin: allowed, credentials allowed, Location and X-Request-Id readable', async () => {
    const response = await fetch(`${app.url}/v1/items/3`, { headers: { origin: APP_ORIGIN } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(response.headers.get('access-control-allow-credentials')).toBe('true');
    expect(response.headers.get('access-control-expose-headers')).toBe('Location,X-Request-Id');
    // An error reply too, so a browser script can read pym's error body.
    const unauthenticated = await fetch(`${app.url}/ops/whoami`, { headers: { origin: APP_ORIGIN } });
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
  });

  test('a preflight to a path the spec does not have: 404 NOT_FOUND, no CORS headers', async () => {
    const response = await expectPymError(preflight(`${app.url}/v1/nothing-here`, APP_ORIGIN, 'GET'), 404, 'NOT_FOUND');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('a preflight from another origin: 403 CORS_ORIGIN_NOT_ALLOWED, no CORS headers (the browser refuses the call)', async () => {
    const response = await expectPymError(preflight(`${app.url}/v1/items/1`, 'https://evil.example.net', 'DELETE'), 403, 'CORS_ORIGIN_NOT_ALLOWED');
    expect(response.body.error_description).toBe('The origin https://evil.example.net is not in cors.origins');
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(response.headers.get('access-control-allow-methods')).toBeNull();
  });

  test('an actual request from another origin is served without CORS headers: the browser hides the reply', async () => {
    const response = await fetch(`${app.url}/v1/items/3`, { headers: { origin: 'https://evil.example.net' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  test('an OPTIONS that is not a preflight (no Access-Control-Request-Method) goes to the operation match: 405 as before', async () => {
    await expectPymError(fetch(`${app.url}/v1/items/1`, { method: 'OPTIONS', headers: { origin: APP_ORIGIN } }), 405, 'METHOD_NOT_ALLOWED');
  });
});

test("origins '*' without credentials: Access-Control-Allow-Origin: * and no Vary", async () => {
  const app = await testApp({ origins: '*' });
  const response = await preflight(`${app.url}/v1/items/1`, 'https://anyone.example.org', 'GET');
  expect(response.status).toBe(204);
  expect(response.headers.get('access-control-allow-origin')).toBe('*');
  expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  expect(response.headers.get('access-control-max-age')).toBe('600');
});

test('off by default: a preflight gets 405 METHOD_NOT_ALLOWED and no CORS header', async () => {
  const app = await testApp();
  const response = await expectPymError(preflight(`${app.url}/v1/items/1`, APP_ORIGIN, 'GET'), 405, 'METHOD_NOT_ALLOWED');
  expect(response.headers.get('access-control-allow-origin')).toBeNull();
});

test("credentials with origins '*' fail at startup, naming the key", () => {
  const load = () =>
    loadConfig({ configPath: path.join(FIXTURE_SERVICE_ROOT, 'pym-config.yaml'), env: 'test', environment: {}, overrides: { cors: { origins: '*', credentials: true } as never } });
  expect(load).toThrow(/cors\.credentials.*list the origins/s);
});
