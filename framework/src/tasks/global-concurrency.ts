// Queue-wide limits (async.queues.<name>.global_concurrency), written to Redis by each worker at start.
import { Queue } from 'bullmq';
import type { Logger } from 'pino';
import type { PymConfig } from '../config/config-schema';
import { openRedis } from './redis-connection';

/**
 * Make each queue's BullMQ global concurrency (at most that many of its jobs active at once, whichever worker
 * process runs them) what the config says, removing it from a queue whose config no longer sets one: the
 * config is the source of truth, as for schedules. Run by every worker before it takes jobs (it waits for
 * Redis like the consumers do); the last worker started wins.
 */
export async function syncGlobalConcurrency(config: PymConfig, queueNames: readonly string[], logger: Logger): Promise<void> {
  const redis = openRedis(config.async.redis_url, 'worker', logger, `${config.async.prefix}:pym:queue-limits`);
  try {
    for (const name of queueNames) {
      const queue = new Queue(name, { connection: redis, prefix: config.async.prefix });
      queue.on('error', () => undefined); // connection errors are logged once by openRedis
      try {
        const wanted = config.async.queues[name]?.global_concurrency ?? null;
        const current = await queue.getGlobalConcurrency();
        if (wanted === current) continue;
        if (wanted === null) await queue.removeGlobalConcurrency();
        else await queue.setGlobalConcurrency(wanted);
        logger.info({ queue: name, global_concurrency: wanted, previous: current }, `queue ${name}: global concurrency ${wanted ?? 'removed'}`);
      } finally {
        await queue.close();
      }
    }
  } finally {
    redis.disconnect();
  }
}
