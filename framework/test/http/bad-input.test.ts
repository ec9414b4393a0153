// Bad input over HTTP: every kind of malformed request is a 4xx pym JSON error with the right code and paths, never a 500.
import http from 'node:http';
import { createTestApp, type TestApp } from '../helpers/create-test-app';
import { errorPaths, expectPymError } from './http-test-helpers';

let app: TestApp;
let auth: Record<string, string>;

beforeAll(async () => {
  app = await createTestApp();
  auth = { authorization: `Bearer ${app.token('input-user')}` };
});
afterAll(() => app.close());

const VALID_ITEM = { name: 'hammer', kind: 'tool' };

/** POST /v1/items with a JSON body (a string is sent as is). */
function postItem(body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${app.url}/v1/items`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

interface BodyCase {
  name: string;
  body: unknown;
  paths: string[];
}

const invalidBodies: BodyCase[] = [
  { name: 'malformed JSON', body: '{"name": "hammer",', paths: ['/body'] },
  { name: 'a number where a string is expected (bodies are not coerced)', body: { name: 12345, kind: 'tool' }, paths: ['/body/name'] },
  { name: 'a numeric string where an integer is expected', body: { ...VALID_ITEM, quantity: '3' }, paths: ['/body/quantity'] },
  { name: 'a missing required property', body: { kind: 'tool' }, paths: ['/body/name'] },
  { name: 'an extra property (additionalProperties: false)', body: { ...VALID_ITEM, colour: 'red' }, paths: ['/body/colour'] },
  { name: 'a value outside the enum', body: { name: 'hammer', kind: 'car' }, paths: ['/body/kind'] },
  { name: 'a string too long (maxLength)', body: { name: 'x'.repeat(21), kind: 'tool' }, paths: ['/body/name'] },
  { name: 'a string too short (minLength)', body: { name: 'x', kind: 'tool' }, paths: ['/body/name'] },
  { name: 'a bad email format', body: { ...VALID_ITEM, email: 'not-an-email' }, paths: ['/body/email'] },
  { name: 'a bad date-time format', body: { ...VALID_ITEM, available_at: '31/12/2024' }, paths: ['/body/available_at'] },
  { name: 'a nested object error', body: { ...VALID_ITEM, address: { zip: 'ABCDE' } }, paths: ['/body/address/zip'] },
  { name: 'a nested required property', body: { ...VALID_ITEM, address: { street: 'Main St' } }, paths: ['/body/address/zip'] },
  { name: 'an array item error', body: { ...VALID_ITEM, tags: ['ok', 42, 'fine'] }, paths: ['/body/tags/1'] },
  {
    // Every problem of a body of at most 16 KB (a larger one gets its first: see error-amplification.test.ts).
    name: 'several errors at once (each is reported)',
    body: { name: 7, kind: 'car', email: 'nope' },
    paths: ['/body/email', '/body/kind', '/body/name'],
  },
  { name: 'a JSON array instead of an object', body: [VALID_ITEM], paths: ['/body'] },
];

describe('invalid bodies → 400 INVALID_PARAMETER with errors[] paths', () => {
  test.each(invalidBodies)('$name', async ({ body, paths }) => {
    const response = await expectPymError(postItem(body), 400, 'INVALID_PARAMETER');
    expect(errorPaths(response.body)).toEqual(paths);
    for (const detail of response.body.errors!) expect(detail.message).toEqual(expect.any(String));
  });

  test('the valid body is accepted (so the cases above fail for their one defect)', async () => {
    const response = await postItem({ ...VALID_ITEM, quantity: 3, tags: ['a'], address: { zip: '75001' } });
    expect(response.status).toBe(201);
  });
});

describe('body transport errors', () => {
  test('a body over body_limit (16kb) → 413 PAYLOAD_TOO_LARGE', async () => {
    expect(app.config.body_limit).toBe('16kb');
    await expectPymError(postItem({ ...VALID_ITEM, notes: 'x'.repeat(17 * 1024) }), 413, 'PAYLOAD_TOO_LARGE');
  });

  test('a body just under body_limit is read', async () => {
    const response = await postItem({ ...VALID_ITEM, notes: 'x'.repeat(15 * 1024) });
    expect(response.status).toBe(201);
  });

  test('a content type the operation does not declare → 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const response = await expectPymError(postItem('name=hammer&kind=tool', { 'content-type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(errorPaths(response.body)).toEqual(['/header/content-type']);
  });

  test('no body where one is required → 400 INVALID_PARAMETER at /body', async () => {
    const response = await expectPymError(fetch(`${app.url}/v1/items`, { method: 'POST', headers: auth }), 400, 'INVALID_PARAMETER');
    expect(errorPaths(response.body)).toEqual(['/body']);
  });

  test('an empty JSON body where one is required → 400 INVALID_PARAMETER at /body', async () => {
    const response = await expectPymError(postItem(''), 400, 'INVALID_PARAMETER');
    expect(errorPaths(response.body)).toEqual(['/body']);
  });

  test('a gzip-encoded body that does not inflate → 400 INVALID_PARAMETER at /body (before: 500)', async () => {
    const response = await expectPymError(postItem(JSON.stringify(VALID_ITEM), { 'content-encoding': 'gzip' }), 400, 'INVALID_PARAMETER');
    expect(errorPaths(response.body)).toEqual(['/body']);
  });
});

describe('routing errors', () => {
  test('an unknown path → 404 NOT_FOUND', async () => {
    await expectPymError(fetch(`${app.url}/v1/widgets`), 404, 'NOT_FOUND');
  });

  test('a path outside every API mount → 404 NOT_FOUND', async () => {
    await expectPymError(fetch(`${app.url}/items/1`), 404, 'NOT_FOUND');
  });

  test('a wrong method → 405 METHOD_NOT_ALLOWED with an Allow header', async () => {
    const response = await expectPymError(fetch(`${app.url}/v1/items/1`, { method: 'PATCH' }), 405, 'METHOD_NOT_ALLOWED');
    expect(response.headers.get('allow')).toBe('DELETE, GET, HEAD');
  });

  test('HEAD where GET exists → 200 with GET\'s headers and no body (health checks use it; before: 405)', async () => {
    const response = await fetch(`${app.url}/ping`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.text()).toBe('');
  });
});

describe('content negotiation (Accept)', () => {
  test('an Accept header that excludes JSON → 406 NOT_ACCEPTABLE, before the body is read', async () => {
    const response = await expectPymError(postItem('{not json', { accept: 'text/html' }), 406, 'NOT_ACCEPTABLE');
    expect(response.body.error_description).toContain('application/json');
  });

  test.each([
    'application/json',
    'application/json; charset=utf-8',
    'application/json;q=0.9;charset=UTF-8',
    'application/*',
    '*/*',
    'text/html, application/json;q=0.5',
  ])('Accept: %s is served', async (accept) => {
    const response = await fetch(`${app.url}/v1/items/1`, { headers: { accept } });
    expect(response.status).toBe(200);
  });

  test.each(['text/html; charset=utf-8', 'application/json;q=0, text/html'])('Accept: %s → 406', async (accept) => {
    await expectPymError(fetch(`${app.url}/v1/items/1`, { headers: { accept } }), 406, 'NOT_ACCEPTABLE');
  });

  test('no Accept header at all is served (fetch always sends one: plain node:http here)', async () => {
    const status = await new Promise<number | undefined>((resolve, reject) => {
      http.get(`${app.url}/v1/items/1`, (response) => {
        response.resume();
        resolve(response.statusCode);
      }).on('error', reject);
    });
    expect(status).toBe(200);
  });

  test('an operation answering 204 has nothing to negotiate', async () => {
    expect((await fetch(`${app.url}/v1/items/1`, { method: 'DELETE', headers: { accept: 'text/html' } })).status).toBe(204);
  });

  test('authentication comes first: no token and a refused Accept → 401', async () => {
    await expectPymError(postItem(VALID_ITEM, { authorization: '', accept: 'text/html' }), 401, 'AUTHORIZATION_HEADER_MISSING');
  });
});

describe('bad parameters → 400 INVALID_PARAMETER', () => {
  test.each([
    { name: 'a query value that cannot be coerced (?limit=abc)', query: 'limit=abc', paths: ['/query/limit'] },
    { name: 'a query value below its minimum (?limit=0)', query: 'limit=0', paths: ['/query/limit'] },
    { name: 'a query value above its maximum (?limit=51)', query: 'limit=51', paths: ['/query/limit'] },
    { name: 'a boolean query value that is not a boolean', query: 'active=maybe', paths: ['/query/active'] },
    { name: 'an array query item that is not an integer', query: 'ids=1&ids=x', paths: ['/query/ids/1'] },
    { name: 'an unknown query parameter', query: 'colour=red', paths: ['/query/colour'] },
  ])('$name', async ({ query, paths }) => {
    const response = await expectPymError(fetch(`${app.url}/v1/items?${query}`), 400, 'INVALID_PARAMETER');
    expect(errorPaths(response.body)).toEqual(paths);
  });

  test('a header parameter of the wrong type', async () => {
    const response = await expectPymError(fetch(`${app.url}/v1/items`, { headers: { 'x-page': 'first' } }), 400, 'INVALID_PARAMETER');
    expect(errorPaths(response.body)).toEqual(['/headers/x-page']);
  });

  test('a path parameter of the wrong type (/v1/items/abc where id is an integer)', async () => {
    const response = await expectPymError(fetch(`${app.url}/v1/items/abc`), 400, 'INVALID_PARAMETER');
    expect(errorPaths(response.body)).toEqual(['/path/id']);
  });

  test('a path parameter below its minimum', async () => {
    const response = await expectPymError(fetch(`${app.url}/v1/items/0`), 400, 'INVALID_PARAMETER');
    expect(errorPaths(response.body)).toEqual(['/path/id']);
  });

  // Before: the validator let these through, and Number() read them: Infinity answered 500 (BAD_RESPONSE), 0x10 read
  // item 16, and 9007199254740993 read item 9007199254740992, another resource.
  test.each(['Infinity', '0x10', '1e1', '9007199254740993'])('an integer path parameter that is not a safe decimal integer (%s)', async (id) => {
    const response = await expectPymError(fetch(`${app.url}/v1/items/${id}`), 400, 'INVALID_PARAMETER');
    expect(errorPaths(response.body)).toEqual(['/path/id']);
  });

  // Before: the validator coerced query and header values with Number(): ?limit=0x10 reached the handler as 16,
  // 1e1 as 10, 0b11 as 3 and %205 (" 5") as 5.
  test.each(['0x10', '1e1', '0b11', '%205', '5%20', '+5', 'Infinity'])('an integer query parameter written %s', async (limit) => {
    const response = await expectPymError(fetch(`${app.url}/v1/items?limit=${limit}`, { headers: auth }), 400, 'INVALID_PARAMETER');
    expect(errorPaths(response.body)).toEqual(['/query/limit']);
  });

  test.each(['ids=1&ids=0x2', 'ids=1e1'])('an integer array query parameter with an item that is not decimal (%s)', async (query) => {
    const response = await expectPymError(fetch(`${app.url}/v1/items?${query}`, { headers: auth }), 400, 'INVALID_PARAMETER');
    expect(errorPaths(response.body)).toEqual(['/query/ids']);
  });

  test.each(['0x10', '1e1'])('an integer header parameter written %s', async (page) => {
    const response = await expectPymError(fetch(`${app.url}/v1/items`, { headers: { ...auth, 'x-page': page } }), 400, 'INVALID_PARAMETER');
    expect(errorPaths(response.body)).toEqual(['/headers/X-Page']);
  });

  test('decimal query and header numbers still reach the handler as numbers', async () => {
    const response = await fetch(`${app.url}/v1/items?limit=16&ids=1&ids=2`, { headers: { ...auth, 'x-page': ' 3 ' } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { params: unknown }).params).toEqual({ limit: 16, ids: [1, 2], 'X-Page': 3 });
  });
});

describe('authentication comes before the body', () => {
  test('no token and a malformed body → 401, not 400', async () => {
    await expectPymError(postItem('{not json', { authorization: '' }), 401, 'AUTHORIZATION_HEADER_MISSING');
  });

  test('no token and an invalid body → 401, not 400', async () => {
    await expectPymError(postItem({ name: 1 }, { authorization: '' }), 401, 'AUTHORIZATION_HEADER_MISSING');
  });

  test('a bad token and an oversized body → 401, not 413', async () => {
    await expectPymError(postItem({ ...VALID_ITEM, notes: 'x'.repeat(17 * 1024) }, { authorization: 'Bearer abc' }), 401, 'TOKEN_INVALID');
  });
});

test('none of these requests was a 5xx (no error log line)', async () => {
  await app.waitForLog((record) => record.msg === 'request' && record.status === 401 && record.url === '/v1/items');
  const served = app.logRecords().filter((record) => record.msg === 'request');
  expect(served.length).toBeGreaterThanOrEqual(30);
  expect(served.filter((record) => record.status >= 500)).toEqual([]);
  expect(app.logRecords().filter((record) => record.level >= 50)).toEqual([]);
});
