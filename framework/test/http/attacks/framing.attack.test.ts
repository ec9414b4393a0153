// Attacks on HTTP framing, sent as raw bytes (no HTTP client would): each is refused in the JSON error shape with a
// stable code, the connection is closed, and the server goes on serving. Classes: malformed framing, bad chunked
// encoding, request smuggling (Content-Length / Transfer-Encoding confusion), oversized headers, Expect.
import type { TestApp } from '../../helpers/create-test-app';
import { rawRequest } from '../../helpers/raw-http';
import { expectJsonError, expectNothingLeaked, expectStillServing, startAttackService } from './attack-harness';

let app: TestApp;
let token: string;
beforeAll(async () => {
  app = await startAttackService();
  token = app.token('framing-user');
});
afterAll(() => app.close());

/** A request head: the lines, CRLF-separated, and the blank line. */
const head = (...lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;
/** The head of a JSON POST to an operation without security (its body is read). */
const post = (...headers: string[]) => head('POST /a/bags HTTP/1.1', 'Host: x', 'Content-Type: application/json', ...headers);

interface FramingCase {
  name: string;
  /** The bytes, or a function of a valid token (for a request that carries one). */
  payload: string | ((token: string) => string);
  status: number;
  code: string;
}

const MALFORMED = { status: 400, code: 'MALFORMED_REQUEST' };

const cases: Record<string, FramingCase[]> = {
  'malformed framing': [
    { name: 'not HTTP at all', payload: 'hello there\r\n\r\n', ...MALFORMED },
    { name: 'bare LF line endings', payload: 'GET /ping HTTP/1.1\nHost: x\n\n', ...MALFORMED },
    { name: 'a CR without its LF inside the headers', payload: head('GET /ping HTTP/1.1', 'Host: x', 'X-A: b\rX-B: c'), ...MALFORMED },
    { name: 'an unknown method', payload: head('BREW /ping HTTP/1.1', 'Host: x'), ...MALFORMED },
    { name: 'a header line without a colon', payload: head('GET /ping HTTP/1.1', 'Host: x', 'X-No-Colon'), ...MALFORMED },
    { name: 'a header name with a space', payload: head('GET /ping HTTP/1.1', 'Host: x', 'Bad Header: 1'), ...MALFORMED },
    { name: 'whitespace before the colon', payload: head('GET /ping HTTP/1.1', 'Host: x', 'X-A : 1'), ...MALFORMED },
    { name: 'an obs-fold continuation line', payload: head('GET /ping HTTP/1.1', 'Host: x', 'X-A: a', ' folded'), ...MALFORMED },
    { name: 'a line starting with a tab', payload: head('GET /ping HTTP/1.1', 'Host: x', '\tX-A: b'), ...MALFORMED },
    { name: 'a control byte in the request target', payload: head('GET /pi\x01ng HTTP/1.1', 'Host: x'), ...MALFORMED },
    { name: 'a NUL byte in a header value', payload: head('GET /ping HTTP/1.1', 'Host: x', 'X-A: a\x00b'), ...MALFORMED },
    { name: 'an HTTP/1.1 request without Host', payload: head('GET /ping HTTP/1.1'), ...MALFORMED },
    // Before: served (Node keeps the first Host line and does not check its value).
    { name: 'two Host headers', payload: head('GET /ping HTTP/1.1', 'Host: x', 'Host: evil.example'), ...MALFORMED },
    { name: 'a Host with a space', payload: head('GET /ping HTTP/1.1', 'Host: a b'), ...MALFORMED },
    { name: 'a Host with a path', payload: head('GET /ping HTTP/1.1', 'Host: evil.example/x'), ...MALFORMED },
    { name: 'a Host with a user', payload: head('GET /ping HTTP/1.1', 'Host: user@evil.example'), ...MALFORMED },
  ],
  'bad chunked encoding': [
    { name: 'a chunk size that is not hex', payload: post('Transfer-Encoding: chunked') + 'zz\r\n{}\r\n0\r\n\r\n', ...MALFORMED },
    { name: 'a chunk size that overflows 64 bits', payload: post('Transfer-Encoding: chunked') + `${'f'.repeat(20)}\r\n{}\r\n0\r\n\r\n`, ...MALFORMED },
    { name: 'chunk data longer than its size', payload: post('Transfer-Encoding: chunked') + '2\r\n{}XX\r\n0\r\n\r\n', ...MALFORMED },
    { name: 'a transfer coding other than chunked', payload: post('Transfer-Encoding: xchunked') + '2\r\n{}\r\n0\r\n\r\n', ...MALFORMED },
    { name: 'chunked, then another coding', payload: post('Transfer-Encoding: chunked, identity') + '2\r\n{}\r\n0\r\n\r\n', ...MALFORMED },
    {
      name: 'chunk extensions past Node’s limit',
      payload: post('Transfer-Encoding: chunked') + `2;${'a'.repeat(20_000)}\r\n{}\r\n0\r\n\r\n`,
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    },
  ],
  'smuggling headers': [
    { name: 'Content-Length, then Transfer-Encoding (CL.TE)', payload: post('Content-Length: 4', 'Transfer-Encoding: chunked') + '0\r\n\r\n', ...MALFORMED },
    { name: 'Transfer-Encoding, then Content-Length (TE.CL)', payload: post('Transfer-Encoding: chunked', 'Content-Length: 4') + '0\r\n\r\n', ...MALFORMED },
    { name: 'two different Content-Lengths', payload: post('Content-Length: 2', 'Content-Length: 3') + '{} ', ...MALFORMED },
    { name: 'a Content-Length listing a value twice', payload: post('Content-Length: 2, 2') + '{}', ...MALFORMED },
    { name: 'a signed Content-Length', payload: post('Content-Length: +2') + '{}', ...MALFORMED },
    { name: 'a negative Content-Length', payload: post('Content-Length: -1') + '{}', ...MALFORMED },
    { name: 'a Content-Length in exponent form', payload: post('Content-Length: 2e0') + '{}', ...MALFORMED },
    { name: 'Transfer-Encoding: chunked twice', payload: post('Transfer-Encoding: chunked', 'Transfer-Encoding: chunked') + '2\r\n{}\r\n0\r\n\r\n', ...MALFORMED },
    { name: 'Transfer-Encoding with a space before its colon', payload: post('Transfer-Encoding : chunked') + '2\r\n{}\r\n0\r\n\r\n', ...MALFORMED },
    {
      // Before: Node decoded the chunks and kept the connection for the request after them (an HTTP/1.0 proxy in front
      // would not have read the chunks as the body).
      name: 'HTTP/1.0 with Transfer-Encoding, kept alive, a request after it',
      payload: head('POST /a/bags HTTP/1.0', 'Host: x', 'Connection: keep-alive', 'Content-Type: application/json', 'Transfer-Encoding: chunked') +
        '2\r\n{}\r\n0\r\n\r\n' +
        head('GET /a/probe HTTP/1.1', 'Host: x'),
      ...MALFORMED,
    },
  ],
  'huge headers and URL': [
    { name: 'one header of 20 KB', payload: head('GET /ping HTTP/1.1', 'Host: x', `X-Big: ${'a'.repeat(20_000)}`), status: 431, code: 'REQUEST_HEADERS_TOO_LARGE' },
    { name: '2,000 small headers (20 KB)', payload: head('GET /ping HTTP/1.1', 'Host: x', ...Array.from({ length: 2000 }, (_, i) => `X-${i}: 123456`)), status: 431, code: 'REQUEST_HEADERS_TOO_LARGE' },
    { name: 'a URL of 20 KB', payload: head(`GET /a/search?tags=${'a'.repeat(20_000)} HTTP/1.1`, 'Host: x'), status: 431, code: 'REQUEST_HEADERS_TOO_LARGE' },
    {
      name: 'a valid token among 20 KB of headers',
      payload: (token) => head('GET /a/whoami HTTP/1.1', 'Host: x', `Authorization: Bearer ${token}`, `X-Pad: ${'a'.repeat(20_000)}`),
      status: 431,
      code: 'REQUEST_HEADERS_TOO_LARGE',
    },
  ],
  'Expect': [
    { name: 'an Expect other than 100-continue', payload: head('GET /ping HTTP/1.1', 'Host: x', 'Expect: tea'), status: 417, code: 'EXPECTATION_FAILED' },
    { name: 'Expect: 100-continue for a body over body_limit (2mb)', payload: post('Expect: 100-continue', 'Content-Length: 99999999'), status: 413, code: 'PAYLOAD_TOO_LARGE' },
  ],
};

describe.each(Object.keys(cases))('%s', (kind) => {
  test.each(cases[kind]!)('$name → $status $code, connection closed', async ({ payload, status, code }) => {
    const reply = await rawRequest(app.url, typeof payload === 'string' ? payload : payload(token));
    expectJsonError(reply, status, code);
    expect(reply.headers.connection).toBe('close');
    expect(reply.raw).not.toContain('100 Continue');
    expect(reply.raw.match(/(^|\r\n)HTTP\/1\.1 \d{3} /g)).toHaveLength(1); // one response, nothing smuggled after it
    await expectStillServing(app);
  });
});

test('CONNECT (pym tunnels nothing): the connection is closed without a reply, and the server goes on serving', async () => {
  const reply = await rawRequest(app.url, head('CONNECT evil.example:443 HTTP/1.1', 'Host: evil.example:443'));
  expect(reply.raw).toBe('');
  await expectStillServing(app);
});

describe('well-formed variants are still served', () => {
  test.each([
    ['an IPv6 Host with a port', head('GET /ping HTTP/1.1', 'Host: [::1]:8080', 'Connection: close')],
    ['an empty Host', head('GET /ping HTTP/1.1', 'Host:', 'Connection: close')],
    ['a Host with a name and port', head('GET /ping HTTP/1.1', 'Host: api.example.com:443', 'Connection: close')],
    ['HTTP/1.0 without Host', head('GET /ping HTTP/1.0')],
    ['HTTP/1.0 with a Content-Length body', head('POST /a/bags HTTP/1.0', 'Content-Type: application/json', 'Content-Length: 2') + '{}'],
  ])('%s', async (_name, payload) => {
    expect((await rawRequest(app.url, payload)).status).toBe(200);
  });
});

test('no 5xx, no error line, and neither the token nor the secret is logged', () => {
  const refusals = app.logRecords().filter((record) => record.status >= 400 && record.status < 500);
  expect(refusals.length).toBeGreaterThanOrEqual(Object.values(cases).flat().length); // each refusal was logged
  expectNothingLeaked(app, [token, app.config.jwt_secret!]);
});
