// Acceptance: the library as the Dockerfile runs it. PYM_ENV=prod lays pym-config.prod.yaml over the base: the JWT
// secret and the Redis URL come from the environment, handlers and tasks are the compiled JS of example-service/dist
// (built by `npm test`'s pretest), and no TypeScript loader is used (PYM_NO_TS_LOADER=1, as in the image).
// The prod overlay's key prefix is fixed (`library`), so this run gets a Redis database of its own instead.
import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { REPO_ROOT, startPym, type PymProcess } from '../../framework/test/helpers/spawn-pym';
import { NO_AUDIT_URL, pollUntil, SHUTDOWN_TIMEOUT_MS, STARTUP_TIMEOUT_MS, tokenFor, type Json } from './helpers/library-service';

/** A database other test files do not use (they all use 0), picked at random so that two runs rarely share one. */
const DATABASE = 1 + Math.floor(Math.random() * 15);
const REDIS_URL = `redis://127.0.0.1:6379/${DATABASE}`;
const JWT_SECRET = randomBytes(32).toString('base64url');

let service: PymProcess;
const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });

beforeAll(async () => {
  service = await startPym({
    cwd: REPO_ROOT,
    env: { PYM_ENV: 'prod', PYM_NO_TS_LOADER: '1', LIBRARY_JWT_SECRET: JWT_SECRET, LIBRARY_REDIS_URL: REDIS_URL, LIBRARY_AUDIT_URL: NO_AUDIT_URL },
  });
  await service.waitForLine((line) => line.includes('"msg":"worker ready'), 'the worker process to be ready');
}, STARTUP_TIMEOUT_MS);

afterAll(async () => {
  await service?.stop();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', 'library:*', 'COUNT', 500);
    if (keys.length > 0) await redis.del(...keys);
    cursor = next;
  } while (cursor !== '0');
  redis.disconnect();
}, SHUTDOWN_TIMEOUT_MS);

async function call(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<{ status: number; body: Json }> {
  const headers: Record<string, string> = options.body === undefined ? {} : { 'Content-Type': 'application/json' };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  const response = await fetch(service.url + path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

test('it runs as prod, with the secret from the environment: the development secret\'s tokens are refused', async () => {
  expect(await call('GET', '/version')).toMatchObject({ status: 200, body: { name: 'library', pym_env: 'prod' } });
  const devToken = await tokenFor('someone'); // `pym token` without PYM_ENV: signed with pym-config.yaml's dev secret
  const refused = await call('GET', '/v1/members/me/notifications', { token: devToken });
  expect(refused).toMatchObject({ status: 401, body: { error: 'TOKEN_INVALID' } });
  expect(refused.body).not.toHaveProperty('debug');
});

test('a signup enqueues the welcome task, which the compiled worker runs against the configured Redis database', async () => {
  const signup = await call('POST', '/v1/members', { body: { email: `ada-${randomUUID()}@example.org`, name: 'Ada Lovelace', language: 'en' } });
  expect(signup.status).toBe(201);
  const { member, token } = signup.body;
  const notifications = await pollUntil(
    () => call('GET', '/v1/members/me/notifications', { token }),
    (response) => response.status !== 200 || response.body.items.length > 0,
  );
  expect(notifications.body.items).toEqual([expect.objectContaining({ kind: 'welcome', origin: expect.objectContaining({ task: 'Notifications.sendWelcome', userId: member.id }) })]);
  expect(await redis.exists(`library:tasks:meta`)).toBe(1); // the queue lives in this run's database
});
