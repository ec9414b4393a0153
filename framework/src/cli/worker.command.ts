// `pym worker`: run the service's task workers (no HTTP); SIGTERM lets active tasks finish first.
import type { Command } from 'commander';
import { loadConfig } from '../config/load-config';
import { registerQueueDepth } from '../metrics/queue-depth';
import { serveMetrics, type RunningMetricsServer } from '../metrics/metrics-server';
import { renderMetrics } from '../metrics/render-metrics';
import { answerMetricsRequests } from '../metrics/worker-metrics-ipc';
import { startWorker } from '../tasks/start-worker';
import { WORKER_SLOT_ENV } from '../tasks/worker-supervisor';
import { CliError } from './cli-error';
import { onShutdownSignal } from './on-shutdown-signal';
import { parsePort, parsePositiveInt } from './parse-options';
import { registerTypeScriptLoader } from './typescript-loader';

interface WorkerOptions {
  concurrency?: number;
  metricsPort?: number;
  env?: string;
  config?: string;
}

/** Start consuming; resolves once the workers are ready (the process then lives until a signal). */
export async function workerCommand(options: WorkerOptions): Promise<void> {
  const config = loadConfig({ configPath: options.config, env: options.env });
  if (options.metricsPort !== undefined && !config.metrics.enabled) {
    throw new CliError(`--metrics-port needs metrics: metrics.enabled is false in ${config.file}`, ['remove --metrics-port, or set metrics.enabled: true']);
  }
  registerTypeScriptLoader(config.srcDir);
  const worker = await startWorker({ config, concurrency: options.concurrency });
  const { logger } = worker;
  let metricsServer: RunningMetricsServer | undefined;
  // Supervised by `pym start`: its server's scrape asks this process for its metrics.
  if (worker.metrics && process.env[WORKER_SLOT_ENV] !== undefined) answerMetricsRequests(worker.metrics);
  if (worker.metrics && options.metricsPort !== undefined) {
    const registry = worker.metrics;
    // Run alone: its own scrape, with the queue depths no server reports for it.
    registerQueueDepth(worker.metrics, { queues: worker.queues, queue: (name) => worker.scope.taskBackend().bullmq?.queue(name), logger });
    metricsServer = await serveMetrics({ render: () => renderMetrics(registry, []), port: options.metricsPort, host: config.host, path: config.metrics.path, logger });
  }
  // Before the ready line: a supervisor (or a test) may stop the worker as soon as it reads it, and a SIGTERM that
  // came before the handler would kill it on the spot, without letting its tasks finish.
  onShutdownSignal(logger, 'worker finishing active tasks', async () => {
    await metricsServer?.close();
    return worker.close();
  });
  logger.info(
    { pid: process.pid, queues: worker.queues, concurrency: worker.concurrency, tasks: worker.tasks, metrics: metricsServer?.url },
    `worker ready (pid ${process.pid}, ${worker.tasks.length} tasks)`,
  );
}

/** Register `pym worker` on the program. */
export function registerWorkerCommand(program: Command): void {
  program
    .command('worker')
    .description("run the service's task workers (BullMQ consumers), without HTTP")
    .option('--concurrency <n>', 'tasks run at once per queue (overrides async.concurrency)', parsePositiveInt)
    .option('--metrics-port <port>', 'serve Prometheus metrics on this port, at metrics.path', parsePort)
    .option('--env <name>', 'environment (overrides PYM_ENV)')
    .option('--config <file>', 'config file')
    .action(workerCommand);
}
