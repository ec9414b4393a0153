// Replies carry the ETag Express 5 would set by default (pym computes it more cheaply).
import { createRequire } from 'node:module';
import { weakEtag } from '../../src/http/etag';
import { createTestApp, type TestApp } from '../helpers/create-test-app';

// The etag package is what Express 5 hashes with by default (its dependency): the reference.
const expressEtag = createRequire(require.resolve('express'))('etag') as (entity: Buffer, options: { weak: boolean }) => string;

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

test.each([
  ['an empty body', ''],
  ['a small JSON body', '{"id":"42"}'],
  ['non-ASCII text', '{"name":"Ünïcödé ☃ 書"}'],
  ['a large body', JSON.stringify({ items: Array.from({ length: 500 }, (_, index) => ({ index })) })],
])('%s: the same ETag as Express’s default, from a Buffer or a string', (_name, body) => {
  const expected = expressEtag(Buffer.from(body, 'utf8'), { weak: true });
  expect(weakEtag(Buffer.from(body, 'utf8'))).toBe(expected);
  expect(weakEtag(body, 'utf8')).toBe(expected);
});

test('a reply carries the ETag Express’s default gives its bytes', async () => {
  for (const path of ['/ping', '/version']) {
    const response = await fetch(`${app.url}${path}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.length).toBeGreaterThan(0);
    expect(response.headers.get('etag')).toBe(expressEtag(bytes, { weak: true }));
  }
});
