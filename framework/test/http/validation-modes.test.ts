// The two validator instances of an API (every problem for bodies up to 16 KB, the first beyond): each validates the
// request it gets and the reply to it.
import { ALL_ERRORS_MAX_BODY } from '../../src/http/api-validator';
import type { TestApp } from '../helpers/create-test-app';
import { startAttackService } from './attacks/attack-harness';
import { expectPymError, read } from './http-test-helpers';

let app: TestApp;
beforeAll(async () => {
  app = await startAttackService();
});
afterAll(() => app.close());

/** A Bag body (free-form) of about `bytes` bytes. */
const bag = (bytes: number) => JSON.stringify({ name: 'x'.repeat(bytes) });
const post = (path: string, body: string) => fetch(`${app.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

test.each([
  ['a small body', 100],
  ['a body over the all-problems bound', ALL_ERRORS_MAX_BODY * 4],
])('%s: served, and a reply breaking the spec is a 500 BAD_RESPONSE', async (_name, bytes) => {
  expect((await read(await post('/a/bags', bag(bytes)))).status).toBe(200);
  await expectPymError(post('/a/bags/bad-reply', bag(bytes)), 500, 'BAD_RESPONSE');
});
