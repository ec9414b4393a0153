// Enqueuing in-process against the real Redis: the job BullMQ stores carries pym's options, the caller's task list
// keeps the order of the calls and is written with the job in one write, and a delayed task makes the enqueuing
// process wake Redis up when it is due. On a private redis-server: the MONITOR stream of the shared one carries every
// other test file's commands (ioredis' monitor mode failed on them with "Command queue state error" under load).
import { randomUUID } from 'node:crypto';
import { asyncTask, taskRef, type PymConfig } from '@pym/framework';
import { Job, Queue } from 'bullmq';
import IORedis, { type Redis } from 'ioredis';
import { runWithContext } from '../../src/context/request-context';
import { getScriptScope } from '../../src/context/script-scope';
import { ownerTaskIds } from '../../src/tasks/task-owner-index';
import { createTaskFixture, enqueueAsScript, freePort, startRedisServer, stopEnqueuingAsScript, type RedisServer, type TaskFixture } from './tasks-harness';

let server: RedisServer;
let fixture: TaskFixture;
let config: PymConfig;

beforeAll(async () => {
  const port = await freePort();
  server = await startRedisServer(port);
  const url = `redis://127.0.0.1:${port}`;
  fixture = createTaskFixture({ async: { redis_url: url } }, url);
  config = enqueueAsScript(fixture);
});

afterAll(async () => {
  await stopEnqueuingAsScript();
  await fixture?.close();
  server?.child.kill('SIGKILL');
  await server?.exited;
});

class Listed {
  @asyncTask({ name: `Listed.touch-${randomUUID()}` })
  static async touch(_n: number): Promise<void> {}

  @asyncTask({ name: `Listed.later-${randomUUID()}`, delay: 300 })
  static async later(): Promise<void> {}
}

test('the stored job has its id, name and pym\'s options: attempts, backoff, retention of finished jobs', async () => {
  const ref = await taskRef(Listed.touch(1));
  const job = await fixture.queue().getJob(ref.id);
  expect(job).toMatchObject({ id: ref.id, name: ref.name });
  const keep = { age: config.async.keep_finished };
  expect(job!.opts).toMatchObject({ attempts: config.async.attempts, backoff: config.async.backoff, removeOnComplete: keep, removeOnFail: keep });
  expect(await job!.getState()).toBe('waiting');
});

test('a delayed task: the enqueuing process sends Redis a PING once it is due (waking up a worker blocked on it)', async () => {
  const producer = getScriptScope()!.taskBackend().bullmq!.redis;
  await taskRef(Listed.touch(0)); // the producer is connected
  const listed = String(await fixture.redis.client('LIST', 'ID', String(await producer.client('ID'))));
  const address = /\baddr=(\S+)/.exec(listed)![1];
  const monitor = await fixture.redis.monitor(); // every command Redis runs, with when it ran it
  try {
    const pinged = new Promise<number>((resolve) => {
      monitor.on('monitor', (time: string, args: string[], source: string) => {
        if (source === address && args[0]?.toLowerCase() === 'ping') resolve(Number(time) * 1000);
      });
    });
    const ref = await taskRef(Listed.later());
    const job = await fixture.queue().getJob(ref.id);
    expect(await pinged).toBeGreaterThanOrEqual(job!.timestamp + job!.delay);
  } finally {
    monitor.disconnect();
  }
});

test('tasks started together (within one millisecond) are listed in call order, newest first', async () => {
  const owner = `user-${randomUUID()}`;
  const context = { requestId: 'req-order', method: 'POST', url: '/order', claims: { sub: owner } };
  // One handler starting a batch: every call is made before the first add is answered.
  const refs = await runWithContext(context, () => Promise.all(Array.from({ length: 12 }, (_, n) => taskRef(Listed.touch(n)))));
  const ids = refs.map((ref) => ref.id);
  expect(await ownerTaskIds(fixture.redis, fixture.prefix, owner, 50)).toEqual([...ids].reverse());
});

/** Count what `socket` hands to the system (Node's Writable implementation API: one call, one write or writev). */
function countWrites(socket: Redis['stream']): { count(): number; restore(): void } {
  const { _write, _writev } = socket as unknown as Record<string, (...args: unknown[]) => unknown>;
  let writes = 0;
  const counted = (original: (...args: unknown[]) => unknown) =>
    function (this: unknown, ...args: unknown[]) {
      writes++;
      return original.apply(this, args);
    };
  Object.assign(socket, { _write: counted(_write!), ...(_writev && { _writev: counted(_writev) }) });
  return { count: () => writes, restore: () => Object.assign(socket, { _write, _writev }) };
}

test("a caller's task is added and listed for its owner in one write to Redis", async () => {
  const producer = getScriptScope()!.taskBackend().bullmq!.redis as Redis;
  await taskRef(Listed.touch(0)); // connected, scripts loaded
  const owner = `user-${randomUUID()}`;
  const writes = countWrites(producer.stream);
  try {
    const ref = await runWithContext({ requestId: 'req-one-write', method: 'POST', url: '/one', claims: { sub: owner } }, () => taskRef(Listed.touch(1)));
    expect(writes.count()).toBe(1);
    expect(await ownerTaskIds(fixture.redis, fixture.prefix, owner, 10)).toEqual([ref.id]);
    expect((await fixture.queue().getJob(ref.id))?.name).toBe(ref.name);
  } finally {
    writes.restore();
  }
});

// bullmq-backend relies on this (BullMQ 6.7): Job.addJob writes its command before it returns, so that the owner's
// listing, sent right after it on the corked socket, leaves in the same write. Should a release defer it, this fails.
test('BullMQ writes the add of Job.addJob before it returns', async () => {
  const producer = new IORedis(fixture.redis.options);
  const own = new Queue(fixture.queue().name, { connection: producer, prefix: fixture.prefix });
  try {
    const ownClient = await own.getBackend().client;
    await own.waitUntilReady();
    const id = `written-at-once-${randomUUID()}`;
    producer.stream.cork();
    const adding = new Job(own, 'Listed.atOnce', { n: 1 }, { jobId: id }, id).addJob(ownClient);
    const buffered = producer.stream.writableLength;
    producer.stream.uncork();
    expect(buffered).toBeGreaterThan(0);
    expect(await adding).toBe(id);
  } finally {
    await own.close();
    producer.disconnect();
  }
});
