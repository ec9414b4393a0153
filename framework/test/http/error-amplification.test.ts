// A body that breaks its schema in many places costs what one breaking in a few places costs: Ajv stops at the first
// problem, errors[] holds 20 at most (regression: 1 MB of unknown keys answered 8.3 MB after ~2 s of CPU).
import { createTestApp, type TestApp } from '../helpers/create-test-app';
import { expectPymError } from './http-test-helpers';

let app: TestApp;
let auth: Record<string, string>;

beforeAll(async () => {
  app = await createTestApp({ config: { body_limit: '2mb' } });
  auth = { authorization: `Bearer ${app.token('amplifier')}` };
});
afterAll(() => app.close());

/** A JSON object of `bytes` bytes made of unknown keys (`{"k0":1,"k1":1,…}`), and how many keys it has. */
function unknownKeys(bytes: number): { body: string; keys: number } {
  const parts: string[] = [];
  let length = 2;
  while (length < bytes) {
    const part = `"k${parts.length}":1`;
    parts.push(part);
    length += part.length + 1;
  }
  return { body: `{${parts.join(',')}}`, keys: parts.length };
}

const post = (body: string) => fetch(`${app.url}/v1/items`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body });

test('1 MB of ~90,000 unknown keys: a 400 of a few hundred bytes, errors[] within the cap', async () => {
  const { body, keys } = unknownKeys(1_000_000);
  expect(keys).toBeGreaterThan(80_000);
  const response = await expectPymError(post(body), 400, 'INVALID_PARAMETER');
  expect(response.body.errors!.length).toBeGreaterThanOrEqual(1);
  expect(response.body.errors!.length).toBeLessThanOrEqual(20);
  expect(response.text.length).toBeLessThan(1_000);
});

test('the same reply as for a body breaking the schema in a few places', async () => {
  const few = await expectPymError(post(JSON.stringify({ name: 'hammer', kind: 'tool', k0: 1, k1: 1 })), 400, 'INVALID_PARAMETER');
  const many = await expectPymError(post(unknownKeys(1_000_000).body), 400, 'INVALID_PARAMETER');
  expect(many.body.errors!.length).toBe(few.body.errors!.length);
  expect(many.text.length).toBeLessThanOrEqual(few.text.length + 100);
});
