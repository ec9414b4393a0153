// Redis records of task resources, written by the server only: owner index, cancel markers, idempotency keys.
import { createHash } from 'node:crypto';
import type { RedisClient } from './redis-client';

/** The Redis keys of task resources under a service's prefix. */
export const taskKeys = {
  /** Sorted set of one owner's task ids, scored by enqueue time (ms). */
  owner: (prefix: string, owner: string) => `${prefix}:pym:tasks:owner:${hash(owner)}`,
  /** JSON of a cancelled task (so GET says cancelled, not 404, once its job is removed). */
  cancelled: (prefix: string, id: string) => `${prefix}:pym:tasks:cancelled:${id}`,
  /** The job id an Idempotency-Key of one owner and task maps to. */
  idempotency: (prefix: string, owner: string, task: string, key: string) =>
    `${prefix}:pym:tasks:idempotency:${hash(`${owner}\n${task}\n${key}`)}`,
  /** Pub/sub channel on which cancels of running tasks are announced to every worker. */
  cancelChannel: (prefix: string) => `${prefix}:pym:tasks:cancel`,
};

function hash(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 40);
}

/** What a cancel marker holds. */
export interface CancelMarker {
  id: string;
  name: string;
  owner: string;
  created_at: number;
  cancelled_at: number;
  /** The job was removed before it ran (queued or delayed). */
  removed: boolean;
}

/** Add a member and make the set live at least ARGV[3] more seconds (never shortening it): one command per enqueue. */
const INDEX_TASK_LUA = `
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
local ttl = tonumber(ARGV[3])
if redis.call('TTL', KEYS[1]) < ttl then redis.call('EXPIRE', KEYS[1], ttl) end
return 1`;

type IndexingRedis = RedisClient & {
  pymIndexTask(key: string, at: number, id: string, ttlSeconds: number): Promise<unknown>;
};

const withIndexCommand = new WeakSet<RedisClient>();

function indexing(redis: RedisClient): IndexingRedis {
  if (!withIndexCommand.has(redis)) {
    redis.defineCommand('pymIndexTask', { numberOfKeys: 1, lua: INDEX_TASK_LUA });
    withIndexCommand.add(redis);
  }
  return redis as IndexingRedis;
}

/** Where a task is listed: its owner, when it was enqueued (epoch ms), and how long the listing lives at least. */
export interface OwnerIndexEntry {
  owner: string;
  at: number;
  ttlSeconds: number;
}

/**
 * Index a task under its owner. The set lives at least `ttlSeconds` more (a later task with a shorter
 * retention does not shorten it); ids of jobs gone since (retention) are dropped when listed.
 */
export async function indexTask(redis: RedisClient, prefix: string, owner: string, id: string, at: number, ttlSeconds: number): Promise<void> {
  await indexing(redis).pymIndexTask(taskKeys.owner(prefix, owner), at, id, ttlSeconds);
}

/** One entry of an owner's index: a task id and when it was enqueued (epoch ms). */
export interface IndexedTask {
  id: string;
  at: number;
}

/** An owner's index entries, newest first (at most `max`). */
export async function ownerTaskEntries(redis: RedisClient, prefix: string, owner: string, max: number): Promise<IndexedTask[]> {
  const flat = await redis.zrevrange(taskKeys.owner(prefix, owner), 0, max - 1, 'WITHSCORES');
  const entries: IndexedTask[] = [];
  for (let index = 0; index < flat.length; index += 2) entries.push({ id: flat[index]!, at: Number(flat[index + 1]) });
  return entries;
}

/** An owner's task ids, newest first (at most `max`). */
export async function ownerTaskIds(redis: RedisClient, prefix: string, owner: string, max: number): Promise<string[]> {
  return (await ownerTaskEntries(redis, prefix, owner, max)).map((entry) => entry.id);
}

/** Drop ids whose job expired. */
export async function unindexTasks(redis: RedisClient, prefix: string, owner: string, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await redis.zrem(taskKeys.owner(prefix, owner), ...ids);
}

/** Write a cancel marker, kept `ttlSeconds`. */
export async function writeCancelMarker(redis: RedisClient, prefix: string, marker: CancelMarker, ttlSeconds: number): Promise<void> {
  await redis.set(taskKeys.cancelled(prefix, marker.id), JSON.stringify(marker), 'EX', ttlSeconds);
}

/** The cancel marker of a task, if it was cancelled. */
export async function readCancelMarker(redis: RedisClient, prefix: string, id: string): Promise<CancelMarker | undefined> {
  const raw = await redis.get(taskKeys.cancelled(prefix, id));
  return raw ? (JSON.parse(raw) as CancelMarker) : undefined;
}

/**
 * Claim an idempotency key for `id`: resolves to undefined when claimed, else to the id that holds it.
 * The claim lasts `ttlSeconds` (the retention of finished tasks).
 */
export async function claimIdempotencyKey(redis: RedisClient, key: string, id: string, ttlSeconds: number): Promise<string | undefined> {
  const claimed = await redis.set(key, id, 'EX', ttlSeconds, 'NX');
  if (claimed === 'OK') return undefined;
  const holder = (await redis.get(key)) ?? undefined;
  // Our own id: this claim ran before, its reply lost with a dropped connection, and ioredis sent it again.
  return holder === id ? undefined : holder;
}

/** Milliseconds since the claim at `key` was made (it lives `ttlSeconds`), or undefined once it is gone. */
export async function idempotencyClaimAge(redis: RedisClient, key: string, ttlSeconds: number): Promise<number | undefined> {
  const remaining = await redis.pttl(key);
  return remaining < 0 ? undefined : Math.max(0, ttlSeconds * 1000 - remaining);
}

/** Hand the claim at KEYS[1] from ARGV[1] to ARGV[2] for ARGV[3] seconds, only if ARGV[1] still holds it. */
const TAKE_OVER_LUA = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
return 1`;

/** Take an abandoned claim over from `holder` for `id`; resolves false when someone else did first. */
export async function takeOverIdempotencyKey(redis: RedisClient, key: string, holder: string, id: string, ttlSeconds: number): Promise<boolean> {
  return (await redis.eval(TAKE_OVER_LUA, 1, key, holder, id, ttlSeconds)) === 1;
}
