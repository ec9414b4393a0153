// The worker processes `pym start` runs next to the server (with_async): spawned, restarted when they die.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { Logger } from 'pino';

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
}

const PYM_BIN = path.resolve(__dirname, '../../bin/pym');
const MAX_BACKOFF_MS = 30_000;

/** Spawn `count` `pym worker` processes and restart any that dies, with an exponential backoff. */
export function superviseWorkers(options: SuperviseOptions): SupervisedWorkers {
  const children = new Map<number, ChildProcess>();
  let stopping = false;
  const launch = (slot: number, failures: number) => {
    const child = spawn(process.execPath, [PYM_BIN, 'worker', ...options.args], { stdio: ['ignore', 'inherit', 'inherit'] });
    children.set(slot, child);
    const startedAt = Date.now();
    options.logger.info({ slot, pid: child.pid }, 'worker process started');
    child.once('exit', (code, signal) => {
      if (stopping) return;
      const healthy = Date.now() - startedAt > 10_000;
      const attempt = healthy ? 0 : failures + 1;
      const backoff = Math.min(500 * 2 ** attempt, MAX_BACKOFF_MS);
      options.logger.error({ slot, pid: child.pid, code, signal, restartInMs: backoff }, 'worker process died; restarting');
      setTimeout(() => !stopping && launch(slot, attempt), backoff).unref();
    });
  };
  for (let slot = 0; slot < options.count; slot++) launch(slot, 0);
  return {
    pids: () => [...children.values()].filter((child) => child.exitCode === null).map((child) => child.pid!),
    async stop() {
      stopping = true;
      await Promise.all(
        [...children.values()].map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
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
