// A Redis too slow to answer within async.enqueue_timeout, rather than down: the call answers 503 in time, but its
// commands are already on their way and may still land. With an Idempotency-Key the two stay consistent: the
// client's retry gets the task that landed, never a second one. The slow Redis is a private redis-server held
// with CLIENT PAUSE (pausing the shared one would stall every other test file).
import { randomUUID } from 'node:crypto';
import { asyncTask, taskRef } from '@pym/framework';
import { QueueEvents } from 'bullmq';
import IORedis from 'ioredis';
import { runWithContext } from '../../src/context/request-context';
import { createTaskFixture, enqueueAsScript, freePort, startRedisServer, stopEnqueuingAsScript, type RedisServer, type TaskFixture } from './tasks-harness';

let server: RedisServer;
let fixture: TaskFixture;
let admin: IORedis;
let events: QueueEvents;

beforeAll(async () => {
  const port = await freePort();
  server = await startRedisServer(port);
  const url = `redis://127.0.0.1:${port}`;
  fixture = createTaskFixture({ async: { redis_url: url, enqueue_timeout: 500 } });
  enqueueAsScript(fixture);
  admin = new IORedis(url);
  // Every event of the queue from its start, so that none is missed between a call and the wait for it.
  events = new QueueEvents('tasks', { connection: { host: '127.0.0.1', port }, prefix: fixture.prefix, lastEventId: '0-0' });
  events.on('waiting', ({ jobId }) => {
    addedIds.add(jobId);
    waiters.get(jobId)?.();
  });
  await events.waitUntilReady();
});

afterAll(async () => {
  await admin?.client('UNPAUSE').catch(() => undefined);
  await stopEnqueuingAsScript();
  await events?.close();
  await fixture?.close();
  admin?.disconnect();
  server?.child.kill('SIGKILL');
  await server?.exited;
});

class Slow {
  @asyncTask({ name: `Slow.order-${randomUUID()}` })
  static async order(_n: number): Promise<void> {}
}

const request = (owner: string, idempotencyKey: string) => ({ requestId: `req-${randomUUID()}`, method: 'POST', url: '/orders', claims: { sub: owner }, idempotencyKey });

/** Ids of the jobs added to the queue so far (their "waiting" events), and who waits for which. */
const addedIds = new Set<string>();
const waiters = new Map<string, () => void>();

/** Resolves once the job `id` was added to the queue (at once if it already was). */
function added(id: string): Promise<void> {
  return addedIds.has(id) ? Promise.resolve() : new Promise((resolve) => waiters.set(id, resolve));
}

test('a call that timed out (503) while Redis was paused lands afterwards; the retry with its key gets that task, not a second one', async () => {
  const owner = `ada-${randomUUID()}`;
  await runWithContext(request(owner, 'k-warm'), () => taskRef(Slow.order(0))); // the producer is connected

  await admin.client('PAUSE', '60000', 'WRITE'); // every write waits, the claim of the key first; lifted below
  const late = runWithContext(request(owner, 'k-slow'), () => taskRef(Slow.order(1)));
  await expect(late).rejects.toMatchObject({ code: 'TASK_QUEUE_UNAVAILABLE', status: 503 });
  await admin.client('UNPAUSE');

  const retry = await runWithContext(request(owner, 'k-slow'), () => taskRef(Slow.order(2)));
  await added(retry.id); // the first call's job, added once its claim was answered
  expect(await fixture.queue().getJobCountByTypes('wait')).toBe(2); // the warm-up's and the late one: no third
  expect((await fixture.job(retry.id)).name).toBe(retry.name);
});
