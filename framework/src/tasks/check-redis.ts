// Is Redis reachable? A one-shot PING with a short timeout, used at startup (a node, a Sentinel group or a Cluster).
import { createRedisClient } from './redis-client';

/** Resolves true when Redis at `url` (`async.redis_url`) answers PING within `timeoutMs`. */
export async function isRedisReachable(url: string, timeoutMs = 1500): Promise<boolean> {
  const redis = createRedisClient(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  redis.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  // A Cluster's or a Sentinel group's handshake takes several round trips: the whole check is bounded too.
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), timeoutMs * 2);
  });
  timedOut.catch(() => undefined); // only the races below read it
  try {
    await Promise.race([redis.connect(), timedOut]);
    return (await Promise.race([redis.ping(), timedOut])) === 'PONG';
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    redis.disconnect();
  }
}
