// Tasks on a real 3-master Redis Cluster (started here on ports 7000-7099): enqueued over HTTP, run by worker
// processes, listed, cancelled, delayed, limited queue-wide, scheduled; every key the service writes in one slot.
import { Queue } from 'bullmq';
import { Cluster, Redis } from 'ioredis';
import { CANCELLED_REASON } from '../../src/tasks/run-task-job';
import { commandOn, freePortsIn, startRedisCluster, type RedisClusterHandle } from '../helpers/redis-servers';
import type { PymChild, PymProcess } from '../helpers/spawn-pym';
import { createHaFixture, killAll, pollUntil, request, tokenFor, type HaFixture } from './ha-harness';

// A cluster, a server and two workers take seconds to start, more on a loaded machine.
jest.setTimeout(120_000);

let cluster: RedisClusterHandle;
let fixture: HaFixture;
let server: PymProcess;
let workers: PymChild[] = [];
const token = tokenFor('cluster-user');

beforeAll(async () => {
  cluster = await startRedisCluster(await freePortsIn(7000, 7099, 3, 10_000));
  fixture = createHaFixture({
    redisUrl: cluster.url,
    config: { schedules: { tick: { task: 'Work.tick', every: 600_000 } } },
  });
  [server, ...workers] = await Promise.all([fixture.startServer(), fixture.startWorker(), fixture.startWorker()]);
});

afterAll(async () => {
  await killAll([...workers, ...(server ? [server] : [])]);
  await fixture?.close();
  await cluster?.stop();
});

/** POST /v1/work; expects a 202 and resolves with the task's id. */
async function start(order: { tag: string; kind: string; ms?: number }, idempotencyKey?: string): Promise<string> {
  const reply = await request(server.url, 'POST', '/v1/work', { token, body: order, headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {} });
  expect({ status: reply.status, error: reply.body?.error }).toEqual({ status: 202, error: undefined });
  return reply.body.id as string;
}

const statusOf = (reply: { body: { status?: string } }) => reply.body.status;

test('tasks started over HTTP (with Idempotency-Keys) run once each in the worker processes, and GET /tasks lists them', async () => {
  const tags = Array.from({ length: 12 }, (_, index) => `timed-${index}`);
  const ids = await Promise.all(tags.map((tag) => start({ tag, kind: 'timed', ms: 20 }, `key-${tag}`)));
  // The same key again: the same task, nothing enqueued.
  expect(await start({ tag: tags[0]!, kind: 'timed', ms: 20 }, `key-${tags[0]}`)).toBe(ids[0]);
  for (const id of ids) await pollUntil(server.url, `/tasks/${id}`, token, (reply) => statusOf(reply) === 'completed');
  const completed = await fixture.counts('completed');
  expect(tags.map((tag) => completed[tag])).toEqual(tags.map(() => 1));

  const listed = await request(server.url, 'GET', '/tasks?limit=100', { token });
  expect(listed.status).toBe(200);
  expect(new Set(listed.body.tasks.map((task: { id: string }) => task.id))).toEqual(new Set(ids));
});

test('a running task is cancelled through the cancel channel, whichever node the server and the worker listen on', async () => {
  const id = await start({ tag: 'held-cancel', kind: 'held' });
  const { pid } = await fixture.nextRecord('started', 'held-cancel');
  const cancel = await request(server.url, 'DELETE', `/tasks/${id}`, { token });
  expect([200, 202]).toContain(cancel.status);
  expect(await fixture.nextRecord('stopped', 'held-cancel')).toEqual({ pid, released: false, cancelled: true });
  await pollUntil(server.url, `/tasks/${id}`, token, (reply) => statusOf(reply) === 'cancelled');
});

test('a delayed task runs about on time: the wake-up goes to the node holding the queues (not any node)', async () => {
  const slot = Number(await commandOn(cluster.nodes[0]!.port, 'CLUSTER', 'KEYSLOT', fixture.prefix));
  const holder = await nodeServing(slot);
  // The wake-ups (STRLEN of a key in the queues' slot: no other command of pym's is a STRLEN) as the node serving that
  // slot receives them: its MONITOR stream, opened before the task is started. Two per due time (just after it, and
  // 10 ms after it); a no-op task may complete between the two, so the second is awaited, not read once.
  const monitor = await new Redis({ host: '127.0.0.1', port: holder }).monitor();
  let wakeUps = 0;
  const twoWakeUps = new Promise<void>((resolve) =>
    monitor.on('monitor', (_time: string, args: string[]) => {
      if (String(args[0]).toLowerCase() === 'strlen' && ++wakeUps === 2) resolve();
    }),
  );
  try {
    const id = await start({ tag: 'delayed', kind: 'delayed' });
    const created = Date.parse((await request(server.url, 'GET', `/tasks/${id}`, { token })).body.created_at);
    const { at } = await fixture.nextRecord('ran', 'delayed');
    expect(at - created).toBeGreaterThanOrEqual(1000);
    await pollUntil(server.url, `/tasks/${id}`, token, (reply) => statusOf(reply) === 'completed');
    await twoWakeUps;
  } finally {
    monitor.disconnect();
  }
  expect(wakeUps).toBeGreaterThanOrEqual(2);
});

test("global_concurrency holds across both workers (BullMQ's limit key lives in the queue's slot)", async () => {
  const tags = Array.from({ length: 6 }, (_, index) => `limited-${index}`);
  const ids = await Promise.all(tags.map((tag) => start({ tag, kind: 'limited', ms: 100 })));
  for (const id of ids) await pollUntil(server.url, `/tasks/${id}`, token, (reply) => statusOf(reply) === 'completed');
  const seen = await Promise.all(tags.map((tag) => fixture.nextRecord<{ running: number }>('concurrent', tag)));
  expect(seen.map((record) => record.running)).toEqual(tags.map(() => 1));
});

test("every key the service wrote (BullMQ's, owner index, idempotency keys, cancel marker, schedules, limits) is in its prefix's slot", async () => {
  const slot = Number(await commandOn(cluster.nodes[0]!.port, 'CLUSTER', 'KEYSLOT', fixture.prefix));
  const keys: string[] = [];
  for (const node of cluster.nodes) {
    let cursor = '0';
    do {
      const [next, found] = (await commandOn(node.port, 'SCAN', cursor, 'COUNT', 1000)) as [string, string[]];
      keys.push(...found);
      cursor = next;
    } while (cursor !== '0');
  }
  const families = new Set(keys.map((key) => key.slice(fixture.prefix.length).replace(/:[0-9a-f-]{36}$|:[0-9a-f]{40}$|:\d+$/, ':*')));
  for (const family of [':pym:tasks:owner:*', ':pym:tasks:idempotency:*', ':pym:tasks:cancelled:*', ':tasks:meta', ':tasks:repeat', ':limited:meta', ':tasks:completed']) {
    expect(families).toContain(family);
  }
  const slots = await Promise.all(keys.map(async (key) => Number(await commandOn(cluster.nodes[0]!.port, 'CLUSTER', 'KEYSLOT', key))));
  expect(new Set(slots)).toEqual(new Set([slot]));
  expect(keys.every((key) => key.startsWith(fixture.prefix))).toBe(true);
});

test("BullMQ's own view agrees: its jobs (the cancelled one failed as such) and the schedule, through a Cluster client", async () => {
  const client = new Cluster(cluster.nodes.map((node) => ({ host: '127.0.0.1', port: node.port })), { redisOptions: { maxRetriesPerRequest: null } });
  const queue = new Queue('tasks', { connection: client, prefix: fixture.prefix });
  try {
    expect((await queue.getJobCounts('completed')).completed).toBeGreaterThanOrEqual(14); // 12 timed, 1 delayed, 1 tick
    expect((await queue.getFailed()).map((job) => job.failedReason)).toEqual([CANCELLED_REASON]);
    expect((await queue.getJobSchedulers()).map((scheduler) => scheduler.key)).toEqual(['pym:tick']);
  } finally {
    await queue.close();
    client.disconnect();
  }
});

/** The port of the master serving `slot`. */
async function nodeServing(slot: number): Promise<number> {
  const ranges = (await commandOn(cluster.nodes[0]!.port, 'CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
  const range = ranges.find(([from, to]) => slot >= from && slot <= to);
  if (!range) throw new Error(`no node serves slot ${slot}`);
  return range[2][1];
}
