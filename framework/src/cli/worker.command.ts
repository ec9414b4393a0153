// `pym worker`: run the service's task workers (no HTTP); SIGTERM lets active tasks finish first.
import type { Command } from 'commander';
import { loadConfig } from '../config/load-config';
import { startWorker } from '../tasks/start-worker';
import { onShutdownSignal } from './on-shutdown-signal';
import { parsePositiveInt } from './parse-options';
import { registerTypeScriptLoader } from './typescript-loader';

interface WorkerOptions {
  concurrency?: number;
  env?: string;
  config?: string;
}

/** Start consuming; resolves once the workers are ready (the process then lives until a signal). */
export async function workerCommand(options: WorkerOptions): Promise<void> {
  const config = loadConfig({ configPath: options.config, env: options.env });
  registerTypeScriptLoader(config.srcDir);
  const worker = await startWorker({ config, concurrency: options.concurrency });
  const { logger } = worker;
  // Before the ready line: a supervisor (or a test) may stop the worker as soon as it reads it, and a SIGTERM that
  // came before the handler would kill it on the spot, without letting its tasks finish.
  onShutdownSignal(logger, 'worker finishing active tasks', () => worker.close());
  logger.info(
    { pid: process.pid, queues: worker.queues, concurrency: worker.concurrency, tasks: worker.tasks },
    `worker ready (pid ${process.pid}, ${worker.tasks.length} tasks)`,
  );
}

/** Register `pym worker` on the program. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description("run the service's task workers (BullMQ consumers), without HTTP")
    .option('--concurrency <n>', 'tasks run at once per queue (overrides async.concurrency)', parsePositiveInt)
    .option('--env <name>', 'environment (overrides PYM_ENV)')
    .option('--config <file>', 'config file')
    .action(workerCommand);
}
