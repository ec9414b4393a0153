// Cross-process cancel of running tasks: the server publishes a job id, every worker aborts it if it runs it.
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { openRedis } from './redis-connection';
import { taskKeys } from './task-owner-index';

/** A worker's view of cancels: the AbortController of each job it runs. */
export interface CancelListener {
  /** A signal for `jobId`, aborted when a cancel for it is published (or was, before it started). */
  track(jobId: string): Promise<{ signal: AbortSignal; release(): void }>;
  close(): Promise<void>;
}

/** Announce the cancel of a running task to every worker of the service. */
export async function publishCancel(redis: Redis, prefix: string, jobId: string): Promise<void> {
  await redis.publish(taskKeys.cancelChannel(prefix), jobId);
}

/**
 * Subscribe to the service's cancel channel. A job whose cancel marker already exists when it starts
 * (cancelled while being picked up) is aborted at once.
 */
export function listenForCancels(redisUrl: string, prefix: string, logger: Logger): CancelListener {
  const running = new Map<string, AbortController>();
  const subscriber = openRedis(redisUrl, 'worker', logger);
  const reader = openRedis(redisUrl, 'worker', logger);
  subscriber.on('message', (_channel: string, jobId: string) => {
    const controller = running.get(jobId);
    if (controller && !controller.signal.aborted) {
      logger.info({ jobId }, 'task cancel requested');
      controller.abort(new Error('The task was cancelled'));
    }
  });
  // Not awaited: a worker may start before Redis is reachable; the subscription is made once it is.
  subscriber.subscribe(taskKeys.cancelChannel(prefix)).catch((error: Error) => logger.warn({ err: { message: error.message } }, 'cancel channel subscribe failed'));
  return {
    async track(jobId) {
      const controller = new AbortController();
      running.set(jobId, controller);
      // Off the job's critical path: the task starts at once and is aborted if the marker turns up.
      reader
        .exists(taskKeys.cancelled(prefix, jobId))
        .then((found) => found && controller.abort(new Error('The task was cancelled')))
        .catch(() => undefined);
      return { signal: controller.signal, release: () => running.delete(jobId) };
    },
    async close() {
      subscriber.disconnect();
      reader.disconnect();
    },
  };
}
