// On a replicated Redis (a Sentinel group), an enqueue answers once replicas hold the task: a failover cannot lose it.
import type { PymConfig } from '../config/config-schema';
import { isCluster, type RedisClient } from './redis-client';
import { TaskQueueUnavailable } from './task-errors';

/** Replicas an enqueue waits for: `async.wait_replicas`, by default 1 on a Sentinel group and 0 elsewhere. */
export function replicasToWaitFor(config: PymConfig): number {
  return config.async.wait_replicas ?? (/^rediss?\+sentinel:/i.test(config.async.redis_url) ? 1 : 0);
}

/**
 * Wait until `async.wait_replicas` replicas acknowledged every write made so far on `redis` (Redis WAIT, up to half
 * of `async.enqueue_timeout`). Replication is asynchronous: a task the master took but no replica holds is lost
 * when a replica is promoted. Fewer acknowledgements: TASK_QUEUE_UNAVAILABLE, and the client's retry (same
 * Idempotency-Key) gets the task if it survived, or enqueues it again. Nothing to wait for on a Cluster (refused
 * by the config: WAIT would have to reach the master of the queues' slot over the connection that wrote).
 */
export async function confirmOnReplicas(redis: RedisClient, config: PymConfig): Promise<void> {
  const replicas = replicasToWaitFor(config);
  if (replicas === 0 || isCluster(redis)) return;
  const timeoutMs = Math.max(1, Math.floor(config.async.enqueue_timeout / 2));
  const acknowledged = await redis.wait(replicas, timeoutMs);
  if (acknowledged < replicas) {
    throw new TaskQueueUnavailable(`The task queue's replicas did not confirm the task within ${timeoutMs} ms (${acknowledged} of ${replicas})`);
  }
}
