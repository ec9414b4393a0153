// The BullMQ task backend: one Queue per queue name, sharing one producer connection.
import { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { PymConfig } from '../config/config-schema';
import { createDelayWakeups } from './delay-wakeups';
import { openRedis } from './redis-connection';
import type { TaskBackend, TaskJob } from './task-backend';

/** Enqueue to BullMQ queues under the config's Redis URL and key prefix. */
export function createBullmqBackend(config: PymConfig, logger: Logger): TaskBackend {
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
  const wakeups = createDelayWakeups(redis);
  return {
    bullmq: { redis, queue: queueFor },
    async add(job: TaskJob) {
      const added = await queueFor(job.queue).add(job.name, job.data, {
        jobId: job.id,
        delay: job.delay,
        attempts: job.attempts,
        backoff: job.backoff,
        removeOnComplete: keepFor,
        removeOnFail: keepFor,
      });
      if (job.delay > 0) wakeups.schedule(added.timestamp + added.delay); // BullMQ's own due time
    },
    async close() {
      wakeups.close();
      await Promise.all([...queues.values()].map((queue) => queue.close()));
      redis.disconnect();
    },
  };
}
