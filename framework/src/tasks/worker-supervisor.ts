// The worker processes `pym start` runs next to the server (with_async): spawned, restarted when they die.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Logger } from 'pino';
import type { LabelledMetrics } from '../metrics/render-metrics';
import { requestMetrics } from '../metrics/worker-metrics-ipc';

/** Options of `superviseWorkers`. */
export interface SuperviseOptions {
  /** How many worker processes. */
  count: number;
  /** Arguments after `pym worker` (e.g. --config, --env). */
  args: string[];
  logger: Logger;
  /** Seconds to wait for workers to exit on stop before killing them. */
  stopTimeout: number;
}

/** Running worker processes. */
export interface SupervisedWorkers {
  /** Pids of the live workers. */
  pids(): number[];
  /** SIGTERM every worker (no restarts from then on) and wait for them to exit. */
  stop(): Promise<void>;
  /**
   * The metrics of every live worker, labelled `worker: <slot>` (0 to count − 1, kept by a restarted worker, so the
   * label stays bounded); a worker that does not answer within `timeoutMs` is left out of this scrape.
   */
  metrics(timeoutMs: number): Promise<LabelledMetrics[]>;
}

/** The variable telling a worker process its slot (and that a supervisor asks for its metrics over IPC). */
export const WORKER_SLOT_ENV = 'PYM_WORKER_SLOT';

const PYM_BIN = path.resolve(__dirname, '../../bin/pym');
const MAX_BACKOFF_MS = 30_000;

/** Spawn `count` `pym worker` processes and restart any that dies, with an exponential backoff. */
export function superviseWorkers(options: SuperviseOptions): SupervisedWorkers {
  const children = new Map<number, ChildProcess>();
  let stopping = false;
  const launch = (slot: number, failures: number) => {
    const startedAt = Date.now();
    let ended = false;
    // Died, or never started (a failed spawn): restart it, once, with a backoff.
    const restart = (details: Record<string, unknown>, message: string) => {
      if (ended) return;
      ended = true;
      if (stopping) return;
      const healthy = Date.now() - startedAt > 10_000;
      const attempt = healthy ? 0 : failures + 1;
      const backoff = Math.min(500 * 2 ** attempt, MAX_BACKOFF_MS);
      options.logger.error({ slot, ...details, restartInMs: backoff }, message);
      setTimeout(() => !stopping && launch(slot, attempt), backoff).unref();
    };
    const failedToStart = (error: Error) => restart({ err: { message: error.message } }, 'worker process failed to start; retrying');
    let child: ChildProcess;
    try {
      child = spawn(process.execPath, [PYM_BIN, 'worker', ...options.args], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        env: { ...process.env, [WORKER_SLOT_ENV]: String(slot) },
      });
    } catch (error) {
      // Some spawn failures throw (E2BIG…): from a restart's timer, that would end the server process.
      failedToStart(error as Error);
      return;
    }
    children.set(slot, child);
    options.logger.info({ slot, pid: child.pid }, 'worker process started');
    child.once('exit', (code, signal) => restart({ pid: child.pid, code, signal }, 'worker process died; restarting'));
    // Others are emitted (EAGAIN, EMFILE…): without a listener, that would throw in the server process too.
    child.on('error', (error) => {
      if (child.pid === undefined) failedToStart(error);
      else options.logger.warn({ slot, pid: child.pid, err: { message: error.message } }, 'worker process error');
    });
  };
  for (let slot = 0; slot < options.count; slot++) launch(slot, 0);
  // A server process that dies (an uncaught exception, process.exit) takes its workers with it: left running,
  // they would go on consuming with the code and config of a service that is gone.
  const orphanGuard = () => {
    for (const child of children.values()) if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
  process.once('exit', orphanGuard);
  let metricsRequests = 0;
  return {
    async metrics(timeoutMs) {
      const id = ++metricsRequests;
      const sets = await Promise.all(
        [...children.entries()].map(async ([slot, child]) => {
          const metrics = await requestMetrics(child, id, timeoutMs);
          return metrics && { labels: { worker: String(slot) }, metrics };
        }),
      );
      return sets.filter((set) => set !== undefined);
    },
    pids: () => [...children.values()].filter((child) => child.pid !== undefined && child.exitCode === null).map((child) => child.pid!),
    async stop() {
      stopping = true;
      process.removeListener('exit', orphanGuard);
      await Promise.all(
        [...children.values()].map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return resolve();
              const kill = setTimeout(() => child.kill('SIGKILL'), options.stopTimeout * 1000);
              child.once('exit', () => {
                clearTimeout(kill);
                resolve();
              });
              child.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}
