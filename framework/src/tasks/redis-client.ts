// One ioredis client for any async.redis_url: a node (Redis), a Sentinel group (Redis via sentinels), a Cluster.
import IORedis, { Cluster, type ClusterOptions, type Redis, type RedisOptions } from 'ioredis';
import { parseRedisUrl, type RedisTarget } from '../config/redis-url';

/** A connection to tasks' Redis: a node or Sentinel-managed master (`Redis`), or a `Cluster`. */
export type RedisClient = Redis | Cluster;

/** How a client behaves, whatever the topology. */
export interface RedisClientTuning {
  connectTimeout: number;
  /** CLIENT SETNAME of each connection. */
  connectionName?: string;
  /** Delay before reconnecting attempt `n` (ms), or null to give up. */
  retryStrategy: (attempt: number) => number | null;
  /** Queue commands while disconnected (false: they fail at once). */
  enableOfflineQueue: boolean;
  /** Retries of a command across reconnections (null: forever, as BullMQ's blocking connections need). */
  maxRetriesPerRequest: number | null;
  enableReadyCheck?: boolean;
  lazyConnect?: boolean;
}

/**
 * A replica promoted by Sentinel, or a Cluster failover, can leave a connection on a node that became a replica:
 * its writes fail with READONLY. Reconnect (through the sentinels, or the Cluster's slot map) and send the command
 * again (2).
 */
function reconnectOnReadonly(error: Error): 2 | false {
  return error.message.startsWith('READONLY') ? 2 : false;
}

/** Open a client to `url` (`async.redis_url`), tuned by `tuning`. */
export function createRedisClient(url: string, tuning: RedisClientTuning): RedisClient {
  return createClientFor(parseRedisUrl(url), tuning);
}

/** Open a client to a parsed target. */
export function createClientFor(target: RedisTarget, tuning: RedisClientTuning): RedisClient {
  const { retryStrategy, enableOfflineQueue, lazyConnect, ...perConnection } = tuning;
  const common: RedisOptions = { ...perConnection, reconnectOnError: reconnectOnReadonly };
  switch (target.kind) {
    case 'standalone':
      return new IORedis(target.url, { ...common, retryStrategy, enableOfflineQueue, lazyConnect });
    case 'sentinel':
      return new IORedis({
        ...common,
        retryStrategy,
        enableOfflineQueue,
        lazyConnect,
        sentinels: target.sentinels,
        name: target.name,
        role: 'master',
        db: target.db,
        username: target.username,
        password: target.password,
        sentinelUsername: target.sentinelUsername,
        sentinelPassword: target.sentinelPassword,
        sentinelRetryStrategy: retryStrategy,
        // ioredis' failoverDetector is left off: Sentinel itself disconnects the clients of a demoted master, and the
        // detector's own disconnect, measured, made BullMQ run some active jobs twice.
        ...(target.tls ? { tls: {}, enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
      });
    case 'cluster': {
      const options: ClusterOptions = {
        clusterRetryStrategy: retryStrategy,
        enableOfflineQueue,
        lazyConnect,
        redisOptions: { ...common, username: target.username, password: target.password, ...(target.tls ? { tls: {} } : {}) },
      };
      return new Cluster(target.nodes, options);
    }
  }
}

/** Whether `client` is a Cluster client. */
export function isCluster(client: RedisClient): client is Cluster {
  return client instanceof Cluster;
}
