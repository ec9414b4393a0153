// Dev fallback when Redis is unreachable: run tasks in the server process, through the same seal/open path.
import type { AppScope } from '../context/app-scope';
import type { ErrorReporter } from '../errors/report-error';
import { runTaskJob } from './run-task-job';
import type { TaskBackend, TaskJob } from './task-backend';

/**
 * A backend for `PYM_ENV=dev` without Redis: each job still carries a sealed (and encrypted) envelope
 * that is opened, checked and turned back into arguments and context before the task runs, with the
 * same retries. Nothing survives a restart: never use it in production (pym start refuses to).
 */
export function createInProcessBackend(scope: AppScope, reportError?: ErrorReporter): TaskBackend {
  const { config, logger } = scope;
  const timers = new Set<NodeJS.Timeout>();
  const schedule = (job: TaskJob, attemptsMade: number, delay: number) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      runTaskJob({ id: job.id, name: job.name, data: job.data, attemptsMade, opts: { attempts: job.attempts } }, { config, logger, scope, reportError }).then(
        () => undefined,
        (error: Error) => {
          const next = attemptsMade + 1;
          if (error.name === 'UnrecoverableError' || next >= job.attempts) return;
          const wait = job.backoff.type === 'fixed' ? job.backoff.delay : job.backoff.delay * 2 ** attemptsMade;
          schedule(job, next, wait);
        },
      );
    }, delay);
    timers.add(timer);
  };
  return {
    async add(job) {
      schedule(job, 0, job.delay);
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}
