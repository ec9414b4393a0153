// The BullMQ task backend: one Queue per queue name, sharing one producer connection.
import { Job, Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { PymConfig } from '../config/config-schema';
import { createDelayWakeups } from './delay-wakeups';
import { openRedis } from './redis-connection';
import type { TaskBackend, TaskJob } from './task-backend';
import type { TaskTelemetry } from './task-telemetry';
import { indexTask } from './task-owner-index';

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
      // Job.addJob, not Queue.add: the same script without Queue.add's tracing wrapper and option copies (~12 % of
      // an enqueue's CPU in bench/tasks). It sends at once, so the owner's listing follows it without waiting for it
      // (a listing skips an entry whose job is not there yet, and drops it once old: its add failed).
      const client = await queue.getBackend().client;
      const adding = added.addJob(client);
      // A listing that fails does not fail the call: the task exists (answering 503 would have the client start it
      // again); it is reachable by its id, only missing from GET /tasks.
      const listing = job.index && indexTask(redis, config.async.prefix, job.index.owner, job.id, job.index.at, job.index.ttlSeconds).catch((error: Error) => {
        logger.warn({ task: job.name, jobId: job.id, err: { message: error.message } }, 'task added but not listed for its owner (GET /tasks)');
      });
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
