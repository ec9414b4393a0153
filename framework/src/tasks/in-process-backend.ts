// Tasks run in this process, through the same seal/open path: the dev fallback without Redis, and inline tasks in tests.
import type { AppScope } from '../context/app-scope';
import type { ErrorReporter } from '../errors/report-error';
import { envelopeKeysFor } from './envelope-keys-from-config';
import { openProgress } from './progress-seal';
import { CANCELLED_REASON, runTaskJob } from './run-task-job';
import type { TaskBackend, TaskJob } from './task-backend';
import { statusOfJob, type JobSnapshot, type TaskStatus } from './task-status';

/** A backend that runs each job in this process, and knows how each one is doing. */
export interface InProcessBackend extends TaskBackend {
  /** The status document of a job this backend took (kept `async.keep_finished` seconds once finished). */
  status(id: string): TaskStatus | undefined;
  /** Resolves with the final status document (completed, failed or cancelled) of a job this backend took. */
  settled(id: string): Promise<TaskStatus>;
}

/** What is known of one job, and who waits for its end. */
interface JobRecord {
  snapshot: JobSnapshot;
  waiters: { resolve: (status: TaskStatus) => void; reject: (error: Error) => void }[];
}

/**
 * A backend without Redis: each job still carries a sealed (and encrypted) envelope that is opened, checked and
 * turned back into arguments and context before the task runs, after its delay, with the same retries. Nothing
 * survives a restart: never use it in production (pym start refuses to, outside `PYM_ENV=dev`).
 */
export function createInProcessBackend(scope: AppScope, reportError?: ErrorReporter): InProcessBackend {
  const { config, logger } = scope;
  const timers = new Set<NodeJS.Timeout>();
  // The progress is stored sealed, as a worker stores it in Redis (a retry reads it back through the same check).
  const statusOf = (record: JobRecord) =>
    statusOfJob({ ...record.snapshot, progress: openProgress(envelopeKeysFor(config), record.snapshot.id, record.snapshot.progress) });
  const records = new Map<string, JobRecord>();
  const later = (ms: number, fn: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
    return timer;
  };
  const finish = (record: JobRecord, state: 'completed' | 'failed', fields: Partial<JobSnapshot>) => {
    Object.assign(record.snapshot, { state, finishedOn: Date.now(), ...fields });
    const status = statusOf(record);
    for (const waiter of record.waiters.splice(0)) waiter.resolve(status);
    // Capped at setTimeout's largest delay (~24.8 days): past it, Node would fire at once.
    later(Math.min(config.async.keep_finished * 1000, 2 ** 31 - 1), () => records.delete(record.snapshot.id)).unref();
  };
  const run = (job: TaskJob, record: JobRecord, attemptsMade: number) => {
    const { snapshot } = record;
    Object.assign(snapshot, { state: 'active', processedOn: Date.now(), attemptsStarted: snapshot.attemptsStarted + 1 });
    const runnable = {
      id: job.id,
      name: job.name,
      data: job.data,
      attemptsMade,
      attemptsStarted: snapshot.attemptsStarted,
      opts: { attempts: job.attempts },
      progress: snapshot.progress,
      updateProgress: async (progress: object) => void (snapshot.progress = progress),
    };
    runTaskJob(runnable, { config, logger, scope, reportError }).then(
      (returnvalue) => finish(record, 'completed', { returnvalue }),
      (error: Error) => {
        const next = attemptsMade + 1;
        if (error.name === 'UnrecoverableError' || next >= job.attempts) {
          finish(record, 'failed', { failedReason: error.message, cancelled: error.message === CANCELLED_REASON });
          return;
        }
        snapshot.state = 'delayed';
        later(job.backoff.type === 'fixed' ? job.backoff.delay : job.backoff.delay * 2 ** attemptsMade, () => run(job, record, next));
      },
    );
  };
  return {
    async add(job) {
      const record: JobRecord = {
        snapshot: { id: job.id, name: job.name, state: job.delay > 0 ? 'delayed' : 'waiting', progress: undefined, timestamp: Date.now(), attemptsStarted: 0, cancelled: false },
        waiters: [],
      };
      records.set(job.id, record);
      later(job.delay, () => run(job, record, 0));
    },
    status(id) {
      const record = records.get(id);
      return record && statusOf(record);
    },
    settled(id) {
      const record = records.get(id);
      if (!record) return Promise.reject(new Error(`No task ${id} was enqueued in this process (or it finished more than async.keep_finished seconds ago)`));
      const status = statusOf(record);
      if (['completed', 'failed', 'cancelled'].includes(status.status)) return Promise.resolve(status);
      return new Promise((resolve, reject) => record.waiters.push({ resolve, reject }));
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const record of records.values()) {
        for (const waiter of record.waiters.splice(0)) waiter.reject(new Error(`Task ${record.snapshot.id} had not finished when its backend closed`));
      }
      records.clear();
    },
  };
}
