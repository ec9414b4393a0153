// Is Redis reachable? A one-shot PING with a short timeout, used at startup.
import IORedis from 'ioredis';

/** Resolves true when Redis at `url` answers PING within `timeoutMs`. */
export async function isRedisReachable(url: string, timeoutMs = 1500): Promise<boolean> {
  const redis = new IORedis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}
