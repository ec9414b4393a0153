// One lazily opened Redis connection shared by the library's Redis stores (notifications, reports).
import { Redis } from 'ioredis';

/** Where the Redis stores keep their data. */
export interface RedisSettings {
  /** e.g. `redis://127.0.0.1:6379`. */
  redisUrl: string;
  /** Prefix of the stores' keys (the service's `async.prefix`), e.g. `library`. */
  prefix: string;
}

/** A Redis client and the key prefix to use with it. */
export interface RedisHandle {
  redis: Redis;
  prefix: string;
}

/**
 * A function returning the same connection every time, opened on its first call: handler and task modules
 * are imported before a worker or a CLI command may need Redis, and a command that never uses it opens nothing.
 *
 * @param settings - read on the first call, not before (the config is loaded by then).
 */
export function lazyRedis(settings: () => RedisSettings): () => RedisHandle {
  let handle: RedisHandle | undefined;
  return () => {
    if (handle === undefined) {
      const { redisUrl, prefix } = settings();
      // Fail a request at once while Redis is down rather than queueing its command.
      handle = { redis: new Redis(redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2000 }), prefix };
    }
    return handle;
  };
}
