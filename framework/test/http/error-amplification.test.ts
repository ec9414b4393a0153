// A body that breaks the schema in many places costs what one breaking in a few places costs: every problem is listed
// only for a body of at most 16 KB (as read, after any Content-Encoding), a larger one gets its first problem, and
// errors[] holds 20 at most (regression: 1 MB of unknown keys answered 8.3 MB after ~2 s of CPU).
import { gzipSync } from 'node:zlib';
import { ALL_ERRORS_MAX_BODY } from '../../src/http/api-validator';
import { createTestApp, type TestApp } from '../helpers/create-test-app';
import { errorPaths, expectPymError } from './http-test-helpers';

let app: TestApp;
let auth: Record<string, string>;

beforeAll(async () => {
  app = await createTestApp({ config: { body_limit: '2mb' } });
  auth = { authorization: `Bearer ${app.token('amplifier')}` };
});
afterAll(() => app.close());

/** A JSON object of exactly `bytes` bytes: a valid item, then unknown keys (`"k0":1,"k1":1,…`), then padding. */
function unknownKeys(bytes: number): { body: string; keys: number } {
  const start = '{"name":"hammer","kind":"tool"';
  const parts: string[] = [];
  let length = start.length + 1;
  for (;;) {
    const part = `,"k${parts.length}":1`;
    if (length + part.length > bytes) break;
    parts.push(part);
    length += part.length;
  }
  return { body: `${start}${parts.join('')}${' '.repeat(bytes - length)}}`, keys: parts.length };
}

const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
  fetch(`${app.url}/v1/items`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json', ...headers }, body });

test('1 MB of ~90,000 unknown keys: a 400 of a few hundred bytes with its first problem', async () => {
  const { body, keys } = unknownKeys(1_000_000);
  expect(keys).toBeGreaterThan(80_000);
  const response = await expectPymError(post(body), 400, 'INVALID_PARAMETER');
  expect(response.body.errors).toHaveLength(1);
  expect(response.body).not.toHaveProperty('errors_count');
  expect(response.text.length).toBeLessThan(1_000);
});

test(`a body of ${ALL_ERRORS_MAX_BODY} bytes lists every problem: errors[] holds 20, errors_count the total`, async () => {
  const { body, keys } = unknownKeys(ALL_ERRORS_MAX_BODY);
  expect(Buffer.byteLength(body)).toBe(ALL_ERRORS_MAX_BODY);
  const response = await expectPymError(post(body), 400, 'INVALID_PARAMETER');
  expect(response.body.errors).toHaveLength(20);
  expect(response.body.errors_count).toBe(keys);
  expect(response.text.length).toBeLessThan(3_000);
});

test('one byte more: the first problem only, like the 1 MB body', async () => {
  const { body } = unknownKeys(ALL_ERRORS_MAX_BODY + 1);
  const response = await expectPymError(post(body), 400, 'INVALID_PARAMETER');
  expect(errorPaths(response.body)).toEqual(['/body/k0']);
  expect(response.body).not.toHaveProperty('errors_count');
});

test('the size that counts is the body as read: a gzip body under 16 KB that inflates past it gets the first problem', async () => {
  const { body } = unknownKeys(64 * 1024);
  const compressed = gzipSync(body, { level: 9 });
  expect(compressed.length).toBeLessThan(ALL_ERRORS_MAX_BODY);
  const response = await expectPymError(post(compressed, { 'content-encoding': 'gzip' }), 400, 'INVALID_PARAMETER');
  expect(errorPaths(response.body)).toEqual(['/body/k0']);
});

test('a small body breaking the schema in a few places lists each of them', async () => {
  const response = await expectPymError(post(JSON.stringify({ name: 7, kind: 'car', k0: 1, quantity: -1 })), 400, 'INVALID_PARAMETER');
  expect(errorPaths(response.body)).toEqual(['/body/k0', '/body/kind', '/body/name', '/body/quantity']);
  expect(response.body.error_description).toBe('The request has 4 invalid parameters');
});

test('parameters too: every problem of a request without a body', async () => {
  const response = await expectPymError(fetch(`${app.url}/v1/items?limit=0&active=maybe`), 400, 'INVALID_PARAMETER');
  expect(errorPaths(response.body)).toEqual(['/query/active', '/query/limit']);
});
