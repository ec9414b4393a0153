// The BullMQ task backend: one Queue per queue name, sharing one producer connection.
import { Job, Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { PymConfig } from '../config/config-schema';
import { createDelayWakeups } from './delay-wakeups';
import { isCluster, type RedisClient } from './redis-client';
import { openRedis } from './redis-connection';
import type { TaskBackend, TaskJob } from './task-backend';
import type { TaskTelemetry } from './task-telemetry';
import { indexTask } from './task-owner-index';

/**
 * The socket of a single-node (or Sentinel-managed) connection that is ready, whose writes can be gathered into one;
 * undefined for a Cluster (its commands go to a node's own connection) and while connecting (commands wait).
 */
function corkable(redis: RedisClient): { cork(): void; uncork(): void } | undefined {
  return !isCluster(redis) && redis.status === 'ready' ? redis.stream : undefined;
}

/** Enqueue to BullMQ queues under the config's Redis URL and key prefix. */
export function createBullmqBackend(config: PymConfig, logger: Logger, telemetry?: TaskTelemetry): TaskBackend {
  const redis = openRedis(config.async.redis_url, 'producer', logger);
  const queues = new Map<string, Queue>();
  const queueFor = (name: string): Queue => {
    let queue = queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: redis, prefix: config.async.prefix });
      queue.on('error', () => undefined); // connection errors are logged once by openRedis
      queues.set(name, queue);
    }
    return queue;
  };
  const keepFor = { age: config.async.keep_finished };
  // On a Cluster every key of the service shares the prefix's hash tag, so any key under it is in the queues' slot.
  const wakeups = createDelayWakeups(redis, { slotKey: `${config.async.prefix}:pym:wake-up` });
  return {
    bullmq: { redis, queue: queueFor },
    telemetry,
    async add(job: TaskJob) {
      const queue = queueFor(job.queue);
      const opts = { jobId: job.id, delay: job.delay, attempts: job.attempts, backoff: job.backoff, removeOnComplete: keepFor, removeOnFail: keepFor };
      const added = new Job(queue, job.name, job.data, opts, job.id);
      const client = await queue.getBackend().client;
      // Job.addJob, not Queue.add: the same script without Queue.add's tracing wrapper and option copies (~12 % of
      // an enqueue's CPU in bench/tasks). Both it and the owner's listing send their command at once: with the socket
      // corked, the two leave in one write, and Redis answers both at once (an ioredis pipeline would do the same, but
      // building one copies every script command BullMQ defines: ~20 µs). On a Cluster they are two writes.
      // A listing that fails does not fail the call: the task exists (answering 503 would have the client start it
      // again); it is reachable by its id, only missing from GET /tasks.
      const socket = corkable(redis);
      socket?.cork();
      let adding: Promise<unknown>;
      let listing: Promise<void> | undefined;
      try {
        adding = added.addJob(client);
        listing = job.index && indexTask(redis, config.async.prefix, job.index.owner, job.id, job.index.at, job.index.ttlSeconds).catch((error: Error) => {
          logger.warn({ task: job.name, jobId: job.id, err: { message: error.message } }, 'task added but not listed for its owner (GET /tasks)');
        });
      } finally {
        socket?.uncork();
      }
      await Promise.all([adding, listing]);
      if (job.delay > 0) wakeups.schedule(added.timestamp + added.delay); // BullMQ's own due time
    },
    async close() {
      wakeups.close();
      await Promise.all([...queues.values()].map((queue) => queue.close()));
      redis.disconnect();
    },
  };
}
