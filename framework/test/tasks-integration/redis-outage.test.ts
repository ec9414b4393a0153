// Redis going away under a running service: enqueue answers 503 fast, the rest still serves, and it recovers by itself.
import type { PymProcess } from '../helpers/spawn-pym';
import { MAIN_REDIS_URL, createTaskFixture, freePort, post, startRedisServer, startService, tokenFor, uniqueTag, type RedisServer, type TaskFixture } from './tasks-harness';

// Spawning pym processes takes seconds, more on a loaded machine.
jest.setTimeout(60_000);

let port: number;
let redisServer: RedisServer;
let fixture: TaskFixture;
let service: PymProcess;

beforeAll(async () => {
  port = await freePort();
  redisServer = await startRedisServer(port);
  // The queue lives in the private Redis; the tasks' and hooks' records stay in the main one.
  fixture = createTaskFixture({ async: { redis_url: `redis://127.0.0.1:${port}` } });
  service = await startService(fixture, { TASKS_FIXTURE_REDIS_URL: MAIN_REDIS_URL });
});

afterAll(async () => {
  await service?.stop();
  await fixture?.close();
  redisServer?.child.kill('SIGKILL');
  await redisServer?.exited;
});

test('with Redis stopped, enqueue answers 503 TASK_QUEUE_UNAVAILABLE within 2 s, /ping still answers, and it recovers without a restart', async () => {
  const token = tokenFor('user-outage');
  const before = await post(service.url, '/v1/observe', { tag: uniqueTag('before') }, { token });
  expect(before.status).toBe(202);

  redisServer.child.kill('SIGTERM');
  await redisServer.exited;

  const startedAt = Date.now();
  const during = await post(service.url, '/v1/observe', { tag: uniqueTag('during') }, { token });
  expect(Date.now() - startedAt).toBeLessThan(2000);
  expect(during.status).toBe(503);
  expect(during.body).toMatchObject({ status: 503, error: 'TASK_QUEUE_UNAVAILABLE', error_id: expect.any(String) });
  const ping = await fetch(`${service.url}/ping`);
  expect(ping.status).toBe(200);
  expect(await ping.json()).toEqual({});
  // Task resources say the same (they answered 500 before): the queue is unavailable, the task is not lost.
  const read = await fetch(`${service.url}/tasks/${before.body.task.id}`, { headers: { authorization: `Bearer ${token}` } });
  expect({ status: read.status, error: ((await read.json()) as { error?: string }).error }).toEqual({ status: 503, error: 'TASK_QUEUE_UNAVAILABLE' });

  redisServer = await startRedisServer(port);
  // ioredis reconnects with a backoff capped at 2 s: poll with awaited requests, bounded in time.
  const tag = uniqueTag('after');
  const deadline = Date.now() + 10_000;
  let after = await post(service.url, '/v1/observe', { tag }, { token });
  while (after.status === 503 && Date.now() < deadline) after = await post(service.url, '/v1/observe', { tag }, { token });
  expect({ status: after.status, error: after.body?.error }).toEqual({ status: 202, error: undefined });
  // The job is in the restarted Redis (empty before): the same process enqueues again.
  expect(await fixture.queue().getJobCounts('waiting')).toEqual({ waiting: 1 });
  expect((await fixture.job(after.body.task.id)).name).toBe('Probe.observe');
});
