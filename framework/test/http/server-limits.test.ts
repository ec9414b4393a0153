// body_limit before the body is read, and the server timeouts (server.*), over raw sockets to a listening server.
import { createTestApp, type TestApp } from '../helpers/create-test-app';
import { rawRequest } from '../helpers/raw-http';

// Long timeouts: a 413 that arrives "at once" is told apart from one sent when a timeout fires.
let patient: TestApp;
// Short timeouts, to see each one cut a slow client.
let hasty: TestApp;
let token: string;

beforeAll(async () => {
  patient = await createTestApp({ config: { server: { headers_timeout: 30, request_timeout: 60, keep_alive_timeout: 30 } } });
  hasty = await createTestApp({ config: { server: { headers_timeout: 0.5, request_timeout: 1.5, keep_alive_timeout: 1 } } });
  token = patient.token('limits-user');
});
afterAll(() => Promise.all([patient?.close(), hasty?.close()]));

const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

describe('body_limit (16kb in the fixture) before reading', () => {
  // Before: the connection stayed open until Node's 300 s request timeout, reading whatever came.
  test('a declared 1 TB body with 20 bytes sent: 413 at once, then the connection is closed', async () => {
    const reply = await rawRequest(
      patient.url,
      head(['POST /v1/items HTTP/1.1', 'Host: x', `Authorization: Bearer ${token}`, 'Content-Type: application/json', 'Content-Length: 1000000000000']) + '{"name":"hammer","k',
    );
    expect(reply.status).toBe(413);
    expect(reply.json).toMatchObject({ status: 413, error: 'PAYLOAD_TOO_LARGE' });
    expect(reply.headers.connection).toBe('close');
    expect(reply.closedAfterMs).toBeLessThan(10_000); // the request timeout is 60 s
  });

  test('the same on an operation that takes no body, and on one that requires a token the request lacks', async () => {
    const noBody = await rawRequest(patient.url, head(['GET /v1/items/1 HTTP/1.1', 'Host: x', 'Content-Length: 1000000000000']) + 'x'.repeat(20));
    expect(noBody.json).toMatchObject({ status: 413, error: 'PAYLOAD_TOO_LARGE' });
    // Authentication first (the caller learns nothing about the body), and the unread body is not waited for.
    const noToken = await rawRequest(patient.url, head(['POST /v1/items HTTP/1.1', 'Host: x', 'Content-Type: application/json', 'Content-Length: 1000000000000']) + 'x'.repeat(20));
    expect(noToken.json).toMatchObject({ status: 401, error: 'AUTHORIZATION_HEADER_MISSING' });
    expect(noToken.headers.connection).toBe('close');
    expect(Math.max(noBody.closedAfterMs, noToken.closedAfterMs)).toBeLessThan(10_000);
  });

  test('a chunked body streaming past the limit is cut there: 413, and the connection closed while the client still sends', async () => {
    const chunk = Buffer.from(`1000\r\n${'a'.repeat(0x1000)}\r\n`); // 4 KB chunks, forever (64 MB at most)
    const reply = await rawRequest(
      patient.url,
      head(['POST /v1/items HTTP/1.1', 'Host: x', `Authorization: Bearer ${token}`, 'Content-Type: application/json', 'Transfer-Encoding: chunked']),
      { keepWriting: chunk },
    );
    expect(reply.json).toMatchObject({ status: 413, error: 'PAYLOAD_TOO_LARGE' });
    expect(reply.headers.connection).toBe('close');
    expect(reply.bytesWritten).toBeLessThan(64 * 1024 * 1024); // the server closed before the client was done
  });

  test('a body within the limit on a kept-alive connection is still served', async () => {
    const body = JSON.stringify({ name: 'hammer', kind: 'tool' });
    const response = await fetch(`${patient.url}/v1/items`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
    expect(response.status).toBe(201);
  });
});

describe('server timeouts (server.headers_timeout 0.5 s, request_timeout 1.5 s, keep_alive_timeout 1 s)', () => {
  test('headers that never end: 408 REQUEST_TIMEOUT in the JSON shape after headers_timeout, connection closed', async () => {
    const reply = await rawRequest(hasty.url, 'GET /ping HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    expect(reply.status).toBe(408);
    expect(reply.json).toEqual({ status: 408, error: 'REQUEST_TIMEOUT', error_description: 'The request was not received in time' });
    expect(reply.closedAfterMs).toBeGreaterThanOrEqual(450);
    expect(reply.closedAfterMs).toBeLessThan(1400); // before the request timeout: the headers' own
  });

  test('a body that never ends: 408 after request_timeout, connection closed', async () => {
    const reply = await rawRequest(
      hasty.url,
      head(['POST /v1/items HTTP/1.1', 'Host: x', `Authorization: Bearer ${token}`, 'Content-Type: application/json', 'Content-Length: 100']) + '{"name":',
    );
    expect(reply.json).toMatchObject({ status: 408, error: 'REQUEST_TIMEOUT' });
    expect(reply.closedAfterMs).toBeGreaterThanOrEqual(1400);
    expect(reply.closedAfterMs).toBeLessThan(10_000); // Node's default is 300 s
  });

  test('a client that connects and sends nothing is cut after headers_timeout', async () => {
    const reply = await rawRequest(hasty.url, '');
    expect(reply.closedAfterMs).toBeLessThan(5_000); // Node's default: 60 s, checked every 30 s
  });

  test('an idle keep-alive connection is closed after keep_alive_timeout', async () => {
    const reply = await rawRequest(hasty.url, head(['GET /ping HTTP/1.1', 'Host: x']));
    expect(reply.status).toBe(200);
    expect(reply.closedAfterMs).toBeGreaterThanOrEqual(900);
    expect(reply.closedAfterMs).toBeLessThan(5_000);
  });
});
