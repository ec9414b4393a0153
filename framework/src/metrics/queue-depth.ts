// Queue depth gauges: each queue's waiting, active, delayed and failed jobs, read from Redis when Prometheus scrapes.
import type { Queue } from 'bullmq';
import type { Logger } from 'pino';
import { Gauge, type Registry } from 'prom-client';
import { withTimeout } from '../tasks/with-timeout';

/** The job states counted, as BullMQ names them. */
const STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** Options of `registerQueueDepth`. */
export interface QueueDepthOptions {
  /** The names of the queues to count. */
  queues: readonly string[];
  /** The Queue of a name (the task backend's, on its producer connection); undefined without Redis (dev fallback): no gauges. */
  queue(name: string): Queue | undefined;
  /** Longest a scrape waits for the counts; past it, or with Redis down, the gauges are left out. @defaultValue 1000 */
  timeoutMs?: number;
  logger: Logger;
}

/**
 * Add `pym_queue_jobs{queue,state}` to `registry`. Every queue's counts are asked for at once on the producer
 * connection (one round trip per scrape); that connection queues nothing while Redis is down, so a scrape then
 * fails at once, and waits `timeoutMs` (1 s) at most while Redis is slow. Either way the scrape still answers, without
 * the gauges (never stale values), and the failure is logged once until the counts can be read again.
 */
export function registerQueueDepth(registry: Registry, options: QueueDepthOptions): void {
  const timeoutMs = options.timeoutMs ?? 1000;
  let failing = false;
  new Gauge({
    name: 'pym_queue_jobs',
    help: 'Jobs in each task queue by state (waiting, active, delayed, failed), read at scrape time',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      const queues = options.queues.map((name) => options.queue(name));
      if (queues.some((queue) => queue === undefined)) return;
      try {
        const counts = await withTimeout(
          Promise.all(queues.map((queue) => queue!.getJobCounts(...STATES))),
          timeoutMs,
          () => new Error(`Redis did not answer within ${timeoutMs} ms`),
        );
        options.queues.forEach((queue, index) => {
          for (const state of STATES) this.set({ queue, state }, counts[index][state] ?? 0);
        });
        if (failing) options.logger.info('queue depth readable again');
        failing = false;
      } catch (error) {
        if (!failing) options.logger.warn({ err: { message: (error as Error).message } }, 'queue depth not read: the scrape leaves pym_queue_jobs out');
        failing = true;
      }
    },
  });
}
