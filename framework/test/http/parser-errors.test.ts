// Requests Node's HTTP parser refuses are answered in the JSON error shape with a stable code, then the connection
// is closed; the server goes on serving. Before: empty bodies (Node's own 400/431/417).
import { createTestApp, type TestApp } from '../helpers/create-test-app';
import { rawRequest } from '../helpers/raw-http';

let app: TestApp;
let auth: string;

beforeAll(async () => {
  app = await createTestApp();
  auth = `Authorization: Bearer ${app.token('parser-user')}`;
});
afterAll(() => app.close());

const request = (...lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

// A payload, or a function of the Authorization header line (for a body that is read: after the token is checked).
const cases: [string, string | ((auth: string) => string), number, string][] = [
  ['headers larger than Node allows (20 KB)', request('GET /ping HTTP/1.1', 'Host: x', `X-Big: ${'a'.repeat(20_000)}`), 431, 'REQUEST_HEADERS_TOO_LARGE'],
  ['a URL larger than Node allows', request(`GET /ping?q=${'a'.repeat(20_000)} HTTP/1.1`, 'Host: x'), 431, 'REQUEST_HEADERS_TOO_LARGE'],
  ['an unknown method', request('BREW /ping HTTP/1.1', 'Host: x'), 400, 'MALFORMED_REQUEST'],
  ['a control byte in the request target', request('GET /pi\x01ng HTTP/1.1', 'Host: x'), 400, 'MALFORMED_REQUEST'],
  ['a control byte in a header value', request('GET /ping HTTP/1.1', 'Host: x', 'X-A: a\x00b'), 400, 'MALFORMED_REQUEST'],
  ['a header name with a space', request('GET /ping HTTP/1.1', 'Host: x', 'Bad Header: 1'), 400, 'MALFORMED_REQUEST'],
  ['a bare LF line ending', 'GET /ping HTTP/1.1\nHost: x\n\n', 400, 'MALFORMED_REQUEST'],
  ['not HTTP at all', 'hello there\r\n\r\n', 400, 'MALFORMED_REQUEST'],
  ['a chunk size that is not hex', (auth) => request('POST /v1/items HTTP/1.1', 'Host: x', auth, 'Content-Type: application/json', 'Transfer-Encoding: chunked') + 'zz\r\nab\r\n0\r\n\r\n', 400, 'MALFORMED_REQUEST'],
  ['Content-Length and Transfer-Encoding both (smuggling)', request('POST /v1/items HTTP/1.1', 'Host: x', 'Content-Length: 4', 'Transfer-Encoding: chunked') + '0\r\n\r\n', 400, 'MALFORMED_REQUEST'],
  ['two different Content-Lengths (smuggling)', request('POST /v1/items HTTP/1.1', 'Host: x', 'Content-Length: 3', 'Content-Length: 4') + 'abcd', 400, 'MALFORMED_REQUEST'],
  ['a Content-Length that is not a number', request('POST /v1/items HTTP/1.1', 'Host: x', 'Content-Length: 1e3'), 400, 'MALFORMED_REQUEST'],
  ['an HTTP/1.1 request without Host', request('GET /ping HTTP/1.1'), 400, 'MALFORMED_REQUEST'],
  ['an Expect other than 100-continue', request('GET /ping HTTP/1.1', 'Host: x', 'Expect: tea'), 417, 'EXPECTATION_FAILED'],
];

test.each(cases)('%s: a 4xx in the JSON shape, then the connection is closed', async (_name, payload, status, code) => {
  const reply = await rawRequest(app.url, typeof payload === 'string' ? payload : payload(auth));
  expect(reply.status).toBe(status);
  expect(reply.headers['content-type']).toMatch(/^application\/json/);
  expect(reply.headers.connection).toBe('close');
  expect(reply.json).toMatchObject({ status, error: code, error_description: expect.any(String) });
  expect(reply.json).not.toHaveProperty('error_id');
  expect(reply.raw.match(/(^|\r\n)HTTP\/1\.1 \d{3} /g)).toHaveLength(1); // one response only
  // The server goes on serving.
  expect((await fetch(`${app.url}/ping`)).status).toBe(200);
});

test('Expect: 100-continue with a body within body_limit is told to continue and served', async () => {
  const reply = await rawRequest(app.url, request('GET /ping HTTP/1.1', 'Host: x', 'Expect: 100-continue', 'Connection: close'));
  expect(reply.raw).toMatch(/^HTTP\/1.1 100 Continue\r\n\r\nHTTP\/1.1 200 OK/);
});

test('Expect: 100-continue with a body over body_limit is not told to continue: 413 at once', async () => {
  const reply = await rawRequest(app.url, request('POST /v1/items HTTP/1.1', 'Host: x', auth, 'Expect: 100-continue', 'Content-Type: application/json', 'Content-Length: 99999999'));
  expect(reply.raw).not.toContain('100 Continue');
  expect(reply.json).toMatchObject({ status: 413, error: 'PAYLOAD_TOO_LARGE' });
});

test('a parser refusal is logged with its code, never with the bytes that were sent', async () => {
  const secret = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJsZWFrIn0.c2lnbmF0dXJl';
  await rawRequest(app.url, request('BREW /ping HTTP/1.1', 'Host: x', `Authorization: Bearer ${secret}`));
  const line = await app.waitForLog((record) => record.msg === 'request refused by the HTTP parser' && record.parserError === 'HPE_INVALID_METHOD');
  expect(line).toMatchObject({ status: 400, code: 'MALFORMED_REQUEST' });
  expect(app.logLines().join('\n')).not.toContain('c2lnbmF0dXJl');
});
