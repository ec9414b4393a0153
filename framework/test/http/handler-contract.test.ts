// The handler contract over HTTP: params coerced to their schema types, reply helpers, success status, mount prefix.
import { createTestApp, type TestApp } from '../helpers/create-test-app';
import { expectPymError, read } from './http-test-helpers';

let app: TestApp;
beforeAll(async () => {
  app = await createTestApp();
});
afterAll(() => app.close());

describe('params', () => {
  test('query, header and cookie params are coerced to integer, boolean and integer arrays', async () => {
    const response = await read(
      await fetch(`${app.url}/v1/items?limit=3&active=false&ids=4&ids=5`, { headers: { 'x-page': '7', cookie: 'visits=9; other=x' } }),
    );
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      params: { limit: 3, active: false, ids: [4, 5], 'X-Page': 7, visits: 9 },
      types: { limit: 'integer', active: 'boolean', ids: 'array<integer>', 'X-Page': 'integer', visits: 'integer' },
    });
  });

  test('a single array query value is an array; absent params are absent', async () => {
    const response = await read(await fetch(`${app.url}/v1/items?ids=12&active=true`));
    expect(response.body).toEqual({ params: { ids: [12], active: true }, types: { ids: 'array<integer>', active: 'boolean' } });
  });

  test('path params are coerced (path-level and operation-level declarations)', async () => {
    const item = await read(await fetch(`${app.url}/v1/items/42`));
    expect(item.status).toBe(200);
    expect(item.body).toEqual({ id: 42, name: 'item 42', kind: 'tool' });

    const label = await read(await fetch(`${app.url}/v1/items/8/label`));
    expect(label.body).toEqual({ label: 'label-8' });
  });
});

describe('replies', () => {
  test('a plain body gets the single declared 2xx (201 only)', async () => {
    const response = await read(
      await fetch(`${app.url}/v1/items`, {
        method: 'POST',
        headers: { authorization: `Bearer ${app.token('maker')}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'saw', kind: 'tool', available_at: '2024-05-01T10:00:00Z', address: { zip: '75001' } }),
      }),
    );
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBeNull();
    expect(response.body).toEqual({ id: 7, name: 'saw', kind: 'tool', available_at: '2024-05-01T10:00:00.000Z', address: { zip: '75001' } });
  });

  test('created() → 201 with Location', async () => {
    const response = await read(await fetch(`${app.url}/v1/items/5/copies`, { method: 'POST' }));
    expect(response.status).toBe(201);
    expect(response.headers.get('location')).toBe('/v1/items/1005');
    expect(response.body).toEqual({ id: 1005, name: 'copy of 5', kind: 'book' });
  });

  test('accepted() → 202 with Location', async () => {
    const response = await read(await fetch(`${app.url}/v1/items/5/archive`, { method: 'POST' }));
    expect(response.status).toBe(202);
    expect(response.headers.get('location')).toBe('/jobs/archive-5');
    expect(response.body).toEqual({ job: 'archive-5' });
  });

  test('noContent() → 204 with an empty body and its headers', async () => {
    const response = await read(await fetch(`${app.url}/v1/items/5`, { method: 'DELETE' }));
    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    expect(response.headers.get('x-deleted')).toBe('yes');
  });

  test('reply(status, body, headers) → that status, body and headers', async () => {
    const response = await read(await fetch(`${app.url}/v1/items/3/label`));
    expect(response.status).toBe(203);
    expect(response.headers.get('x-label-source')).toBe('fixture');
    expect(response.body).toEqual({ label: 'label-3' });
  });
});

describe('mount prefix from servers[0].url', () => {
  test('a full URL server (https://items.example.com/v1/) mounts the API under /v1', async () => {
    expect((await fetch(`${app.url}/v1/items/1`)).status).toBe(200);
    await expectPymError(fetch(`${app.url}/items/1`), 404, 'NOT_FOUND');
  });

  test('a relative server (/ops) mounts the API under /ops', async () => {
    expect((await fetch(`${app.url}/ops/fail/conflict`)).status).toBe(409);
    await expectPymError(fetch(`${app.url}/fail/conflict`), 404, 'NOT_FOUND');
    await expectPymError(fetch(`${app.url}/v1/fail/conflict`), 404, 'NOT_FOUND');
  });
});
