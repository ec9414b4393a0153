// The owner index and idempotency keys of task resources, against the real Redis.
import { randomUUID } from 'node:crypto';
import IORedis from 'ioredis';
import { claimIdempotencyKey, indexTask, ownerTaskIds, taskKeys, unindexTasks } from '../../src/tasks/task-owner-index';

const prefix = `test-owner-index-${randomUUID()}`;
const redis = new IORedis('redis://127.0.0.1:6379');

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

test('lists an owner\'s tasks newest first, and only theirs', async () => {
  await indexTask(redis, prefix, 'ada', 'task-1', 1_000, 60);
  await indexTask(redis, prefix, 'ada', 'task-3', 3_000, 60);
  await indexTask(redis, prefix, 'ada', 'task-2', 2_000, 60);
  await indexTask(redis, prefix, 'bob', 'task-b', 2_500, 60);
  expect(await ownerTaskIds(redis, prefix, 'ada', 10)).toEqual(['task-3', 'task-2', 'task-1']);
  expect(await ownerTaskIds(redis, prefix, 'ada', 2)).toEqual(['task-3', 'task-2']);
  expect(await ownerTaskIds(redis, prefix, 'bob', 10)).toEqual(['task-b']);
  await unindexTasks(redis, prefix, 'ada', ['task-2']);
  expect(await ownerTaskIds(redis, prefix, 'ada', 10)).toEqual(['task-3', 'task-1']);
});

test('the index expires with its longest-lived task: a later, shorter retention does not shorten it', async () => {
  const key = taskKeys.owner(prefix, 'carol');
  await indexTask(redis, prefix, 'carol', 'delayed-task', 1_000, 5_000);
  expect(await redis.ttl(key)).toBeGreaterThan(4_000);
  await indexTask(redis, prefix, 'carol', 'quick-task', 2_000, 100);
  expect(await redis.ttl(key)).toBeGreaterThan(4_000);
  await indexTask(redis, prefix, 'carol', 'long-task', 3_000, 9_000);
  expect(await redis.ttl(key)).toBeGreaterThan(8_000);
});

test('the index of a new owner gets a TTL (never kept forever)', async () => {
  await indexTask(redis, prefix, 'dave', 'task-d', 1_000, 30);
  const ttl = await redis.ttl(taskKeys.owner(prefix, 'dave'));
  expect(ttl).toBeGreaterThan(0);
  expect(ttl).toBeLessThanOrEqual(30);
});

test('an idempotency key is claimed once; later claims resolve to the first id', async () => {
  const key = taskKeys.idempotency(prefix, 'ada', 'Reports.build', 'key-1');
  expect(await claimIdempotencyKey(redis, key, 'first', 60)).toBeUndefined();
  expect(await claimIdempotencyKey(redis, key, 'second', 60)).toBe('first');
  expect(await redis.ttl(key)).toBeGreaterThan(0);
});

test('a claim sent again with the same id (ioredis re-sends a command whose reply a dropped connection lost) is still a claim', async () => {
  const key = taskKeys.idempotency(prefix, 'ada', 'Orders.place', 'k-resent');
  expect(await claimIdempotencyKey(redis, key, 'first', 60)).toBeUndefined();
  // Before: "first" came back as an existing task, so the enqueue added nothing and answered with a task that never existed.
  expect(await claimIdempotencyKey(redis, key, 'first', 60)).toBeUndefined();
});
