// Cross-process cancel of running tasks: the server publishes a job id, every worker aborts it if it runs it.
import type { Logger } from 'pino';
import { JobCancellation } from './job-cancellation';
import type { RedisClient } from './redis-client';
import { openRedis } from './redis-connection';
import { taskKeys } from './task-owner-index';

/** How a job reached this worker, as far as cancels are concerned. */
export interface TrackOptions {
  /**
   * The job ran (or was taken) before: a retry, or a stalled job handed over from a dead worker. Its cancel
   * may have been announced before this worker listened, so its cancel marker is read from Redis.
   */
  redelivered: boolean;
}

/** A worker's view of cancels: the cancellation state of each job it runs. */
export interface CancelListener {
  /** Track `jobId` while it runs: cancelled when a cancel for it is announced (or was, before it started). */
  track(jobId: string, options: TrackOptions): JobCancellation;
  close(): Promise<void>;
}

/** Options of listenForCancels. */
export interface CancelListenerOptions {
  /** How long an announced cancel is remembered for a job not (yet) running here. @defaultValue 300000 */
  rememberMs?: number;
  /** Called with each announced job id (observability and tests). */
  onAnnounce?: (jobId: string) => void;
  /** Called each time the subscription is (re)made (observability and tests). */
  onSubscribed?: () => void;
}

/** Announce the cancel of a running task to every worker of the service. */
export async function publishCancel(redis: RedisClient, prefix: string, jobId: string): Promise<void> {
  await redis.publish(taskKeys.cancelChannel(prefix), jobId);
}

const MAX_REMEMBERED = 10_000;
const cancelled = () => new Error('The task was cancelled');

/**
 * Subscribe to the service's cancel channel. The server announces a cancel only for a job that some worker
 * has locked, possibly a moment before this worker starts running it: announcements are remembered for a
 * while, so a job starting after its announcement is aborted at once, without a Redis read per job. Redis is
 * read only where an announcement may have been missed: while the subscription is down (and for the jobs
 * running when it comes back), and for redelivered jobs.
 */
export function listenForCancels(redisUrl: string, prefix: string, logger: Logger, options: CancelListenerOptions = {}): CancelListener {
  const rememberMs = options.rememberMs ?? 300_000;
  const channel = taskKeys.cancelChannel(prefix);
  const running = new Map<string, JobCancellation>();
  const announced = new Map<string, number>(); // job id → when announced, oldest first
  const subscriber = openRedis(redisUrl, 'worker', logger, `${prefix}:pym:cancel-listener`);
  const reader = openRedis(redisUrl, 'worker', logger, `${prefix}:pym:cancel-reader`);
  let live = false; // subscribed and connected: every announcement reaches this worker

  const remember = (jobId: string) => {
    const now = Date.now();
    announced.delete(jobId);
    announced.set(jobId, now);
    for (const [id, at] of announced) {
      if (announced.size <= MAX_REMEMBERED && now - at < rememberMs) break;
      announced.delete(id);
    }
  };
  const wasAnnounced = (jobId: string) => {
    const at = announced.get(jobId);
    return at !== undefined && Date.now() - at < rememberMs;
  };
  const checkMarker = (jobId: string, job: JobCancellation) => {
    reader
      .exists(taskKeys.cancelled(prefix, jobId))
      .then((found) => found && job.cancel(cancelled()))
      .catch(() => undefined);
  };
  const subscribe = () => {
    subscriber.subscribe(channel).then(
      () => {
        live = true;
        // Announcements made while the subscription was down are lost: ask Redis for the jobs running now.
        for (const [jobId, job] of running) checkMarker(jobId, job);
        options.onSubscribed?.();
      },
      (error: Error) => logger.warn({ err: { message: error.message } }, 'cancel channel subscribe failed'),
    );
  };

  subscriber.on('message', (_channel: string, jobId: string) => {
    remember(jobId);
    options.onAnnounce?.(jobId);
    const job = running.get(jobId);
    if (job && !job.aborted) {
      logger.info({ jobId }, 'task cancel requested');
      job.cancel(cancelled());
    }
  });
  subscriber.on('close', () => {
    live = false;
  });
  // On every (re)connection; a worker may start before Redis is reachable.
  subscriber.on('ready', () => {
    if (!live) subscribe();
  });

  return {
    track(jobId, { redelivered }) {
      // Forgotten only if still the tracked run: a job this worker took again (a stall) while its first run went on
      // is tracked anew, and the first run's end must not untrack the second.
      const job: JobCancellation = new JobCancellation(() => running.get(jobId) === job && running.delete(jobId));
      running.set(jobId, job);
      if (wasAnnounced(jobId)) job.cancel(cancelled());
      // Off the job's critical path: the task starts at once and is cancelled if the marker turns up.
      else if (redelivered || !live) checkMarker(jobId, job);
      return job;
    },
    async close() {
      subscriber.disconnect();
      reader.disconnect();
    },
  };
}
