// Logging over HTTP: every line written while serving a request carries its request id; tokens, cookies and jwt_secret never appear.
import { createTestApp, type TestApp } from '../helpers/create-test-app';
import { read } from './http-test-helpers';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp({ config: { log_level: 'debug' } });
});
afterAll(() => app.close());

/** Send one request (alone in flight) and return the log records written while it was served. */
async function linesOf(path: string, requestId: string, headers: Record<string, string> = {}) {
  const start = app.logLines().length;
  const response = await read(await fetch(`${app.url}${path}`, { headers: { ...headers, 'x-request-id': requestId } }));
  await app.waitForLog((record) => record.msg === 'request' && record.requestId === requestId);
  return { response, records: app.logRecords().slice(start) };
}

test("a handler's getLogger() line, and the access line, carry the request id", async () => {
  const token = app.token('log-user');
  const { response, records } = await linesOf('/ops/log', 'log-handler-1', { authorization: `Bearer ${token}` });
  expect(response.status).toBe(200);
  const handlerLine = records.find((record) => record.marker === 'handler-line');
  expect(handlerLine).toMatchObject({ requestId: 'log-handler-1', msg: 'handler says hello', service: 'fixture-service' });
  expect(records.find((record) => record.msg === 'request')).toMatchObject({
    requestId: 'log-handler-1',
    method: 'GET',
    url: '/ops/log',
    status: 200,
  });
  for (const record of records) expect(record.requestId).toBe('log-handler-1');
});

test('the error line of a 5xx and the debug line of a 4xx carry the request id', async () => {
  const failure = await linesOf('/ops/fail/plain', 'log-failure-1');
  expect(failure.response.status).toBe(500);
  expect(failure.records.filter((record) => record.level === 50)).toHaveLength(1);
  for (const record of failure.records) expect(record.requestId).toBe('log-failure-1');

  const invalid = await linesOf('/v1/items?limit=zero', 'log-invalid-1');
  expect(invalid.response.status).toBe(400);
  expect(invalid.records.some((record) => record.level === 20 && record.code === 'INVALID_PARAMETER')).toBe(true);
  for (const record of invalid.records) expect(record.requestId).toBe('log-invalid-1');
});

test('Authorization and Cookie headers, tokens and jwt_secret never appear, even when a handler logs them', async () => {
  const token = app.token('careless-user');
  const cookieToken = app.token('cookie-user');
  const session = 'session-cookie-value-5d41402abc4b2a76';
  const { response, records } = await linesOf('/ops/log', 'log-secrets-1', {
    authorization: `Bearer ${token}`,
    cookie: `token=${encodeURIComponent(`Bearer ${cookieToken}`)}; session=${session}`,
  });
  expect(response.status).toBe(200);
  const handlerLine = records.find((record) => record.marker === 'handler-line')!;
  // The handler did log the headers and the config: the values are redacted, the rest is kept.
  expect(handlerLine.headers.authorization).toBe('[Redacted]');
  expect(handlerLine.headers.cookie).toBe('[Redacted]');
  expect(handlerLine.headers['x-request-id']).toBe('log-secrets-1');
  expect(handlerLine.config.jwt_secret).toBe('[Redacted]');
  expect(handlerLine.config.name).toBe('fixture-service');
  // Credentials under keys no redaction path names, and in the message: scrubbed by value.
  const careless = records.find((record) => record.marker === 'careless-line')!;
  expect(careless).toMatchObject({
    note: 'caller sent Bearer [Redacted]',
    deep: { deeper: { jwt: '[Redacted JWT]' } },
    msg: 'authorization was Bearer [Redacted]',
  });

  const secret = app.config.jwt_secret!;
  for (const line of app.logLines()) {
    expect(line).not.toContain(token);
    expect(line).not.toContain(cookieToken);
    expect(line).not.toContain(session);
    expect(line).not.toContain(secret);
  }
});
