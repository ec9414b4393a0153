// GET /ready: 200 when the server can serve, 503 SERVICE_NOT_READY naming what fails (Redis, shutting down).
import { once } from 'node:events';
import { createTestApp, type TestApp } from '../helpers/create-test-app';
import { startRedisServer, type RedisServer } from '../tasks-integration/tasks-harness';
import { read, type ReadResponse } from './http-test-helpers';

// A private redis-server is started and stopped.
jest.setTimeout(60_000);

const READY_REDIS_PORT = 6401;
const apps: TestApp[] = [];
let redis: RedisServer | undefined;

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  if (redis && redis.child.exitCode === null) {
    redis.child.kill('SIGKILL');
    await redis.exited;
  }
});

/** A 503 SERVICE_NOT_READY in pym's error shape, its message shown, with no error_id (nothing is logged per probe). */
async function expectNotReady(request: Promise<Response>): Promise<ReadResponse> {
  const response = await read(await request);
  expect(response.status).toBe(503);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  expect(response.body).toEqual({ status: 503, error: 'SERVICE_NOT_READY', error_description: expect.stringMatching(/^Not ready: /), errors: expect.any(Array) });
  return response;
}

async function testApp(config: Parameters<typeof createTestApp>[0] = {}): Promise<TestApp> {
  const app = await createTestApp(config);
  apps.push(app);
  return app;
}

test('a service without tasks is ready once it listens: /ready → 200 {status: ready}, without asking Redis', async () => {
  const app = await testApp();
  const response = await read(await fetch(`${app.url}/ready`));
  expect({ status: response.status, body: response.body }).toEqual({ status: 200, body: { status: 'ready' } });
});

test('with_async and Redis unreachable: 503 SERVICE_NOT_READY naming Redis, within a second; /ping (liveness) stays 200', async () => {
  const app = await testApp({ config: { with_async: true, async: { redis_url: 'redis://127.0.0.1:6409' } as never } });
  const started = Date.now();
  const response = await expectNotReady(fetch(`${app.url}/ready`));
  expect(Date.now() - started).toBeLessThan(1000);
  expect(response.body.errors).toEqual([{ path: 'redis', message: "the task queue's Redis did not answer PING within 500 ms" }]);
  expect(response.text).not.toContain('6409'); // /ready answers anyone: no internal address
  expect((await fetch(`${app.url}/ping`)).status).toBe(200);
  await expectNotReady(fetch(`${app.url}/ready`));
  // Logged once when it turned, not per probe.
  expect(app.logRecords().filter((record) => record.msg === 'not ready: /ready answers 503')).toHaveLength(1);
  expect(app.logRecords().filter((record) => record.level >= 50)).toEqual([]);
});

test('Redis stopped, then back: /ready follows it (200, 503 as soon as the connection drops, 200 once it is back)', async () => {
  redis = await startRedisServer(READY_REDIS_PORT);
  const app = await testApp({ config: { with_async: true, async: { redis_url: `redis://127.0.0.1:${READY_REDIS_PORT}` } as never } });
  expect((await fetch(`${app.url}/ready`)).status).toBe(200);
  const connection = app.pym.scope.taskBackend().bullmq!.redis;
  redis.child.kill('SIGKILL');
  await Promise.all([redis.exited, once(connection, 'close')]);
  await expectNotReady(fetch(`${app.url}/ready`));
  redis = await startRedisServer(READY_REDIS_PORT);
  await once(connection, 'ready');
  expect((await fetch(`${app.url}/ready`)).status).toBe(200);
});

test('readiness.drain() (what pym start does on SIGTERM): 503 naming the shutdown, while requests are still served', async () => {
  const app = await testApp();
  app.pym.readiness.drain();
  const response = await expectNotReady(fetch(`${app.url}/ready`));
  expect(response.body.errors).toEqual([{ path: 'shutdown', message: 'the service is shutting down' }]);
  expect((await fetch(`${app.url}/v1/items/1`)).status).toBe(200);
});
