// A Redis restarted without persistence loses the job schedulers: the worker notices on reconnect and declares them again.
import { Queue } from 'bullmq';
import IORedis, { type Redis } from 'ioredis';
import { killAll, startRedisServer, type RedisServer, type WorkerProcess } from '../tasks-integration/tasks-harness';
import { createScheduleFixture, startScheduleWorker, type RecordedRun, type ScheduleFixture } from './schedules-harness';

// A private redis-server is restarted and a worker process spawned.
jest.setTimeout(90_000);

const PORT = 6402;
const REDIS_URL = `redis://127.0.0.1:${PORT}`;
let fixture: ScheduleFixture;
let redis: RedisServer | undefined;
let worker: WorkerProcess | undefined;
let observer: Redis;

beforeAll(async () => {
  fixture = createScheduleFixture();
  redis = await startRedisServer(PORT);
  observer = new IORedis(REDIS_URL, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
  observer.on('error', () => undefined); // while the server restarts
});

afterAll(async () => {
  if (worker) await killAll([worker]);
  observer?.disconnect();
  if (redis && redis.child.exitCode === null) {
    redis.child.kill('SIGKILL');
    await redis.exited;
  }
  await fixture?.close();
});

/** The next run the fixture's task records in the private Redis (the queue's), waiting up to 20 s. */
async function nextRun(): Promise<RecordedRun> {
  const popped = await observer.blpop(fixture.key('beat'), 20);
  if (!popped) throw new Error('no scheduled run was recorded within 20 s');
  return JSON.parse(popped[1]) as RecordedRun;
}

test('each scheduled run has a request id of its own, and the schedules come back after Redis restarted empty', async () => {
  const configPath = fixture.writeConfig({ async: { redis_url: REDIS_URL }, schedules: { beat: { task: 'Beat.tick', every: 700 } } });
  worker = await startScheduleWorker(configPath);
  const [first, second] = [await nextRun(), await nextRun()];
  for (const run of [first, second]) expect(run.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  expect(second.requestId).not.toBe(first.requestId);
  // The worker's line of that job carries the same request id.
  const line = JSON.parse(await worker.waitForLine((candidate) => candidate.includes(`"requestId":"${second.requestId}"`) && candidate.includes('"outcome"')));
  expect(line).toMatchObject({ level: 30, msg: 'task Beat.tick completed', outcome: 'completed', task: { name: 'Beat.tick', attempt: 1 }, ms: expect.any(Number) });
  expect(line.task.jobId).toMatch(/^repeat:pym:beat:/);

  // Restart without persistence: every key is gone, the scheduler with them.
  redis!.child.kill('SIGKILL');
  await redis!.exited;
  redis = await startRedisServer(PORT);
  // The warning comes before the schedules are declared again; their 'schedules synced' line after it, once they are.
  const warning = await worker.waitForLine((candidate) => candidate.includes('declaring the schedules again'), 'the lost schedules noticed');
  const warnedAt = worker.lines.indexOf(warning);
  await worker.waitForLine((candidate) => candidate.includes('schedules synced') && worker!.lines.lastIndexOf(candidate) > warnedAt, 'the schedules declared again');
  const queue = new Queue('tasks', { connection: { host: '127.0.0.1', port: PORT }, prefix: fixture.prefix });
  try {
    expect(await queue.getJobScheduler('pym:beat')).toMatchObject({ key: 'pym:beat', every: 700 });
  } finally {
    await queue.close();
  }
  const after = await nextRun();
  expect(after.at).toBeGreaterThan(second.at);
  expect(after.userId).toBe('schedules-fixture-service');
});
