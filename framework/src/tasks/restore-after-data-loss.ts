// After a reconnect, put back what a worker wrote to Redis at start if Redis came back without it (a restart without persistence).
import { Queue } from 'bullmq';
import type { RedisClient } from './redis-client';
import type { Logger } from 'pino';
import type { PymConfig } from '../config/config-schema';
import { syncGlobalConcurrency } from './global-concurrency';
import { resolveSchedules, syncSchedules } from './schedules';

/** Options of `restoreAfterDataLoss`. */
export interface RestoreOptions {
  /** A connection of the worker, ready when this is called: each later `ready` event is a reconnect. */
  connection: RedisClient;
  config: PymConfig;
  logger: Logger;
  /** The queues the worker consumes. */
  queues: readonly string[];
}

/**
 * Watch `connection`: after each reconnect, check that every declared schedule's job scheduler is still in Redis,
 * and declare them all again when one is missing (a Redis restarted without persistence lost them, and no tick would
 * ever run again); queue-wide concurrency limits are written again too, when they differ. Returns a function that
 * stops watching (and waits for a check under way).
 */
export function restoreAfterDataLoss(options: RestoreOptions): () => Promise<void> {
  const { connection, config, logger } = options;
  const schedules = resolveSchedules(config);
  const limited = Object.values(config.async.queues).some((queue) => queue.global_concurrency !== undefined);
  if (schedules.length === 0 && !limited) return async () => undefined;
  let running: Promise<void> | undefined;
  let again = false;
  const check = async () => {
    if (limited) await syncGlobalConcurrency(config, options.queues, logger);
    const missing: string[] = [];
    for (const schedule of schedules) {
      const queue = new Queue(schedule.queue, { connection, prefix: config.async.prefix });
      queue.on('error', () => undefined); // connection errors are logged once by openRedis
      try {
        if (!(await queue.getJobScheduler(schedule.schedulerId))) missing.push(schedule.name);
      } finally {
        await queue.close();
      }
    }
    if (missing.length === 0) return;
    logger.warn({ missing }, `Redis lost ${missing.length} job scheduler(s) (restarted without persistence?): declaring the schedules again`);
    await syncSchedules({ config, logger, queues: options.queues });
  };
  const onReady = () => {
    if (running) {
      again = true; // a reconnect during a check: check once more after it
      return;
    }
    running = check()
      .catch((error: Error) => logger.error({ err: { message: error.message } }, 'could not check the job schedulers after a reconnect'))
      .finally(() => {
        running = undefined;
        if (again) {
          again = false;
          onReady();
        }
      });
  };
  connection.on('ready', onReady);
  return async () => {
    connection.off('ready', onReady);
    again = false;
    await running;
  };
}
