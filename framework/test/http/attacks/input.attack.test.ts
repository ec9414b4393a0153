// Attacks through well-formed HTTP: deep JSON nesting, prototype-pollution keys (body, form, multipart, query, cookie,
// header), bodies breaking the schema in a huge number of places, numeric query tricks. Each is a 4xx in the JSON shape
// (or served, where the input is harmless), the server goes on serving, and no builtin prototype is ever polluted.
import type { TestApp } from '../../helpers/create-test-app';
import { rawRequest } from '../../helpers/raw-http';
import { read, type ReadResponse } from '../http-test-helpers';
import { expectJsonError, expectNothingLeaked, expectStillServing, startAttackService } from './attack-harness';

let app: TestApp;
let auth: Record<string, string>;
beforeAll(async () => {
  app = await startAttackService();
  auth = { authorization: `Bearer ${app.token('input-user')}` };
});
afterAll(() => app.close());

/** POST a body: a string as JSON, form data and URL-encoded fields with the content type fetch gives them. */
async function post(path: string, body: string | FormData | URLSearchParams, headers: Record<string, string> = {}): Promise<ReadResponse> {
  const contentType: Record<string, string> = typeof body === 'string' ? { 'content-type': 'application/json' } : {};
  return read(await fetch(`${app.url}${path}`, { method: 'POST', headers: { ...contentType, ...headers }, body }));
}

/** `{"children":[` n times around `{}`: a Tree n + 1 levels deep… in nesting of objects and arrays, 2n + 1. */
const tree = (levels: number) => `${'{"children":['.repeat(levels)}{}${']}'.repeat(levels)}`;

describe('deep nesting', () => {
  test.each([
    { name: '100,000 unclosed [', path: '/a/trees', body: '['.repeat(100_000), message: 'is not valid JSON' },
    { name: '100,000 [ closed', path: '/a/trees', body: `${'['.repeat(100_000)}${']'.repeat(100_000)}`, message: 'is nested deeper than 128 levels' },
    // Before: 500 SERVER_ERROR (RangeError: Maximum call stack size exceeded, in Ajv then in the model codec).
    { name: 'a recursive schema (Tree) 5,000 levels deep', path: '/a/trees', body: tree(5000), message: 'is nested deeper than 128 levels' },
    { name: 'a recursive model (Bag.inner) 2,000 levels deep', path: '/a/bags', body: `${'{"inner":'.repeat(2000)}{}${'}'.repeat(2000)}`, message: 'is nested deeper than 128 levels' },
    { name: '100,000 [ in a free-form field', path: '/a/bags', body: `{"x":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, message: 'is nested deeper than 128 levels' },
    { name: '129 levels: one past the bound', path: '/a/trees', body: tree(64), message: 'is nested deeper than 128 levels' },
  ])('$name → 400 INVALID_PARAMETER at /body', async ({ path, body, message }) => {
    const reply = await post(path, body);
    expectJsonError(reply, 400, 'INVALID_PARAMETER');
    expect(reply.body.errors).toEqual([{ path: '/body', message }]);
    await expectStillServing(app);
  });

  // The validator parses a multipart body's object fields from JSON, after parseBody's check. Before: 500 SERVER_ERROR
  // (Ajv's recursion overflowed the stack) at 5,000 levels; 1,000 reached the handler.
  test.each([1000, 5000])('a multipart object field nested %i levels → 400 INVALID_PARAMETER at /body', async (levels) => {
    const form = new FormData();
    form.append('meta', `{"inner":${'{"inner":'.repeat(levels)}{}${'}'.repeat(levels)}}`);
    const reply = await post('/a/bags', form);
    expectJsonError(reply, 400, 'INVALID_PARAMETER');
    expect(reply.body.errors).toEqual([{ path: '/body', message: 'is nested deeper than 128 levels' }]);
    await expectStillServing(app);
  });

  test('127 and 128 levels (the bound) are served', async () => {
    const reply = await post('/a/trees', tree(63) /* 127 levels */);
    expect(reply).toMatchObject({ status: 200, body: { depth: 64 } });
    const bag = await post('/a/bags', `{"x":${'['.repeat(127)}${']'.repeat(127)}}` /* 128 levels */);
    expect(bag.status).toBe(200);
    const form = new FormData();
    form.append('meta', `{"inner":${'{"inner":'.repeat(125)}{}${'}'.repeat(125)}}` /* 128 levels, the body's included */);
    expect((await post('/a/bags', form)).status).toBe(200);
  });
});

describe('prototype pollution keys', () => {
  const bodies: { name: string; body: () => string | FormData | URLSearchParams; status: number }[] = [
    // A model cannot hold a key named like one of its methods: 400 (the validator let it through, the model refuses).
    { name: 'JSON __proto__ at the top of a free-form model', body: () => '{"__proto__":{"polluted":true}}', status: 400 },
    { name: 'JSON __proto__ in a nested model', body: () => '{"inner":{"__proto__":{"polluted":true}}}', status: 400 },
    { name: 'JSON constructor.prototype', body: () => '{"constructor":{"prototype":{"polluted":true}}}', status: 400 },
    { name: 'JSON __proto__ in a free-form array item', body: () => '{"list":[{"__proto__":{"polluted":true}}]}', status: 200 },
    {
      name: 'form fields __proto__[polluted] and constructor[prototype][polluted]',
      body: () => new URLSearchParams({ '__proto__[polluted]': '1', 'constructor[prototype][polluted]': '1' }),
      status: 200,
    },
    {
      name: 'multipart fields __proto__[polluted], constructor[prototype][polluted], inner[__proto__][polluted]',
      body: () => {
        const form = new FormData();
        for (const name of ['__proto__[polluted]', 'constructor[prototype][polluted]', 'inner[__proto__][polluted]']) form.append(name, 'yes');
        return form;
      },
      status: 400,
    },
  ];

  test.each(bodies)('$name → $status, nothing polluted', async ({ body, status }) => {
    const reply = await post('/a/bags', body());
    expect(reply.status).toBe(status);
    if (status === 400) expectJsonError(reply, 400, 'INVALID_PARAMETER');
    else expect(reply.body).toMatchObject({ polluted: false, plain: true });
    await expectStillServing(app);
  });

  test('JSON __proto__ in a strict schema (additionalProperties: false) → 400 at /body/__proto__', async () => {
    const reply = await post('/a/items', '{"name":"hammer","kind":"tool","__proto__":{"polluted":true}}', auth);
    expectJsonError(reply, 400, 'INVALID_PARAMETER');
    expect(reply.body.errors).toEqual([{ path: '/body/__proto__', message: expect.any(String) }]);
    await expectStillServing(app);
  });

  test.each([
    '__proto__[polluted]=1',
    '__proto__=1',
    'constructor[prototype][polluted]=1',
    'filter[__proto__][polluted]=1',
    'filter[constructor][prototype][polluted]=1',
    'tags=__proto__&tags=constructor',
  ])('query %s: never a 5xx, never a key of the handler’s params, nothing polluted', async (query) => {
    const reply = await read(await fetch(`${app.url}/a/search?${query}`));
    expect(reply.status).toBeLessThan(500);
    if (reply.status === 200) {
      expect(reply.body.polluted).toBe(false);
      expect(reply.body.keys).not.toContain('__proto__');
      expect(reply.body.keys).not.toContain('constructor');
    } else {
      expectJsonError(reply, 400, 'INVALID_PARAMETER');
    }
    await expectStillServing(app);
  });

  test('a deepObject query value written as JSON with __proto__ → 400, nothing polluted', async () => {
    const reply = await read(await fetch(`${app.url}/a/search?filter=${encodeURIComponent('{"__proto__":{"polluted":"1"}}')}`));
    expectJsonError(reply, 400, 'INVALID_PARAMETER');
    await expectStillServing(app);
  });

  test('a JSON cookie (j:) with __proto__, and a header named __proto__: served, nothing polluted', async () => {
    const cookie = `token=${encodeURIComponent('j:{"__proto__":{"polluted":true}}')}; j=${encodeURIComponent('j:{"constructor":{"prototype":{"polluted":1}}}')}`;
    expect((await fetch(`${app.url}/a/probe`, { headers: { cookie } })).status).toBe(200);
    const raw = await rawRequest(app.url, 'GET /a/probe HTTP/1.1\r\nHost: x\r\n__proto__: {"polluted":1}\r\nConnection: close\r\n\r\n');
    expect(raw.json).toEqual({ polluted: false });
    await expectStillServing(app);
  });
});

/** A JSON object of about `bytes` bytes made of unknown keys (`{"k0":1,"k1":1,…}`), and how many keys it has. */
function unknownKeys(bytes: number, known = '"name":"hammer","kind":"tool",'): { body: string; keys: number } {
  const parts: string[] = [];
  let length = known.length + 2;
  while (length < bytes) {
    const part = `"k${parts.length}":1`;
    parts.push(part);
    length += part.length + 1;
  }
  return { body: `{${known}${parts.join(',')}}`, keys: parts.length };
}

describe('a body breaking the schema in a huge number of places', () => {
  test('1 MB of ~100,000 unknown keys → a 400 of a few hundred bytes, its first problem only', async () => {
    const { body, keys } = unknownKeys(1_000_000);
    expect(keys).toBeGreaterThan(90_000);
    const reply = await post('/a/items', body, auth);
    expectJsonError(reply, 400, 'INVALID_PARAMETER');
    expect(reply.body.errors).toHaveLength(1);
    expect(reply.body).not.toHaveProperty('errors_count');
    expect(reply.text.length).toBeLessThan(2_000);
    await expectStillServing(app);
  });

  test('8 KB of ~900 unknown keys (a small body: every problem counted) → errors[] holds 20, errors_count the total', async () => {
    const { body, keys } = unknownKeys(8 * 1024);
    const reply = await post('/a/items', body, auth);
    expectJsonError(reply, 400, 'INVALID_PARAMETER');
    expect(reply.body.errors).toHaveLength(20);
    expect(reply.body.errors_count).toBe(keys);
    expect(reply.text.length).toBeLessThan(3_000);
    await expectStillServing(app);
  });

  test('1,500 unknown query parameters (12 KB) → a 400 within the cap', async () => {
    const query = Array.from({ length: 1500 }, (_, i) => `p${i}=1`).join('&');
    // /a/probe declares no parameter (on /a/search, the validator lets any name through: its deepObject filter takes
    // additional properties).
    const reply = await read(await fetch(`${app.url}/a/probe?${query}`));
    expectJsonError(reply, 400, 'INVALID_PARAMETER');
    expect(reply.body.errors.length).toBeLessThanOrEqual(20);
  });
});

describe('numeric query tricks', () => {
  test.each(['0x10', '1e1', '0b11', '0o7', '%205', '5%20', '+5', '1.0', 'Infinity', 'NaN', '9007199254740993', '5%00'])(
    '?limit=%s → 400 INVALID_PARAMETER at /query/limit',
    async (limit) => {
      const reply = await read(await fetch(`${app.url}/a/search?limit=${limit}`));
      expectJsonError(reply, 400, 'INVALID_PARAMETER');
      expect(reply.body.errors.map((error: { path: string }) => error.path)).toEqual(['/query/limit']);
    },
  );

  test('?limit=16 is served (so the cases above fail for their one defect)', async () => {
    expect((await fetch(`${app.url}/a/search?limit=16`)).status).toBe(200);
  });
});

test('no 5xx, no error line, and neither the token nor the secret is logged', () => {
  expect(app.logRecords().filter((record) => record.msg === 'request' && record.status === 400).length).toBeGreaterThanOrEqual(20);
  expectNothingLeaked(app, [auth.authorization!.slice('Bearer '.length), app.config.jwt_secret!]);
});
