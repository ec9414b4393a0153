// Redis connections for tasks: fail fast while Redis is down (producers), reconnect by themselves.
import { once } from 'node:events';
import type { Logger } from 'pino';
import { createRedisClient, type RedisClient, type RedisClientTuning } from './redis-client';

/** Which side of the queue a connection serves. */
export type ConnectionRole = 'producer' | 'worker';

/**
 * Open a connection to `url` (`async.redis_url`: a node, a Sentinel group or a Cluster). Producers do not queue
 * commands while disconnected (an enqueue then fails at once instead of hanging); workers block on Redis and wait
 * for it (BullMQ requires `maxRetriesPerRequest: null` there). Both reconnect with a capped backoff and log state changes once.
 * `name` becomes the connection's CLIENT SETNAME (shown by CLIENT LIST; characters Redis refuses become "_").
 */
export function openRedis(url: string, role: ConnectionRole, logger: Logger, name?: string): RedisClient {
  const tuning: RedisClientTuning = {
    connectTimeout: 2000,
    connectionName: name?.replace(/[^\x21-\x7e]/g, '_'),
    retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2000),
    ...(role === 'producer'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 }
      : { enableOfflineQueue: true, maxRetriesPerRequest: null, enableReadyCheck: false }),
  };
  const redis = createRedisClient(url, tuning);
  let down = false;
  redis.on('error', (error: Error) => {
    if (!down) logger.warn({ role, err: { message: error.message } }, 'Redis unreachable; reconnecting');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info({ role }, 'Redis reachable again');
    down = false;
  });
  return redis;
}

/**
 * Resolves once `redis` is ready: at once when it is, after the handshake while it is connecting (a producer
 * queues no commands meanwhile, so its first commands wait here). Rejects at once while it is down (waiting
 * to reconnect), and on a connection error or after `timeoutMs` while connecting.
 */
export async function whenReady(redis: RedisClient, timeoutMs: number): Promise<void> {
  if (redis.status === 'ready') return;
  if (!['wait', 'connecting', 'connect'].includes(redis.status)) throw new Error(`the Redis connection is ${redis.status}`);
  await once(redis, 'ready', { signal: AbortSignal.timeout(timeoutMs) });
}
