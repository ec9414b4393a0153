// startWorker: load the service like the server does, then consume its task queues with BullMQ workers.
import { Job, Worker } from 'bullmq';
import type { Registry } from 'prom-client';
import type { Logger } from 'pino';
import { loadClientSpecs } from '../clients/client-specs';
import { installClients } from '../clients/load-clients';
import type { PymConfig } from '../config/config-schema';
import { loadConfig, type LoadConfigOptions } from '../config/load-config';
import { loadServiceHooks, type ServiceHooks } from '../config/load-hooks';
import { createAppScope, type AppScope } from '../context/app-scope';
import { createLogger } from '../logging/logger';
import { registerApiModels } from '../models/model-registry';
import { loadApis } from '../openapi/load-apis';
import { listOperations } from '../openapi/list-operations';
import { resolveHandlers } from '../openapi/resolve-handlers';
import { PymMetrics } from '../metrics/pym-metrics';
import { pymTracer } from '../tracing/pym-tracer';
import { createBullmqBackend } from './bullmq-backend';
import { syncGlobalConcurrency } from './global-concurrency';
import { loadTaskModules } from './load-task-modules';
import { openRedis } from './redis-connection';
import { runTaskJob } from './run-task-job';
import { resolveSchedules, syncSchedules } from './schedules';
import { listenForCancels } from './task-cancel';
import { queueNames } from './queue-names';
import { restoreAfterDataLoss } from './restore-after-data-loss';
import { findTask, listTasks } from './task-registry';

/** Options of `startWorker`. */
export interface StartWorkerOptions extends LoadConfigOptions, ServiceHooks {
  config?: PymConfig;
  logger?: Logger;
  /** Jobs run at once per queue. @defaultValue `async.concurrency` */
  concurrency?: number;
}

/** A running worker process's consumers. */
export interface RunningWorker {
  /** Names of the queues consumed. */
  queues: string[];
  /** Jobs run at once, per queue consumed. */
  concurrency: Record<string, number>;
  /** Names of the registered tasks. */
  tasks: string[];
  /** The worker's logger. */
  logger: Logger;
  /** Run `fn` as code of this worker's app outside any task: `getConfig()`, `getLogger()` and task calls are its. */
  run<T>(fn: () => T): T;
  /** What the worker owns (config, logger, task queue): its tasks reach it through their context. */
  scope: AppScope;
  /** The worker's Prometheus registry (its task metrics and process metrics); absent when `metrics.enabled` is false. */
  metrics?: Registry;
  /**
   * Stop taking jobs and wait for active ones up to `async.shutdown_timeout` seconds; jobs still running
   * then are left to BullMQ's stalled-job recovery, which hands them to another worker.
   */
  close(): Promise<{ clean: boolean }>;
}

/**
 * Load config, specs, models, handler and task modules (the same as `pym start`), then run BullMQ
 * workers on every queue the service uses. Tasks enqueued by tasks go through the same queues.
 */
export async function startWorker(options: StartWorkerOptions = {}): Promise<RunningWorker> {
  const config = options.config ?? loadConfig(options);
  const logger = options.logger ?? createLogger({ level: config.log_level, secretValues: config.secretValues, base: { service: config.name, role: 'worker' } });
  const telemetry = { metrics: config.metrics.enabled ? new PymMetrics() : undefined, tracer: pymTracer(config) };
  // The worker's own app: its tasks (and the tasks they enqueue) see this config, logger and queue connection.
  const scope = createAppScope(config, logger, () => createBullmqBackend(config, logger, telemetry));
  const apis = await loadApis(config.apisDir);
  const clientSpecs = await loadClientSpecs(config, apis);
  const hooks = scope.run(() => {
    registerApiModels(apis, config.srcDir, clientSpecs.map((spec) => spec.api));
    resolveHandlers(listOperations(apis), config.srcDir);
    loadTaskModules(config);
    // Every startup error before the first job is taken: a worker that died after taking some would leave them
    // active until stalled-job recovery (each stall costs the task an attempt).
    resolveSchedules(config);
    return { ...loadServiceHooks(config), ...options };
  });
  const clients = installClients(config, clientSpecs);
  const cancels = listenForCancels(config.async.redis_url, config.async.prefix, logger);

  const names = queueNames(config);
  // A queue's own setting, else --concurrency, else async.concurrency.
  const concurrencyOf = (queue: string) => config.async.queues[queue]?.concurrency ?? options.concurrency ?? config.async.concurrency;
  const connections = names.map(() => openRedis(config.async.redis_url, 'worker', logger));
  const workers = names.map((queue, index) => {
    const worker = new Worker(queue, (job) => runTaskJob(job, { config, logger, scope, reportError: hooks.reportError, cancels, telemetry }), {
      connection: connections[index],
      prefix: config.async.prefix,
      concurrency: concurrencyOf(queue),
      lockDuration: config.async.lock_duration,
      stalledInterval: config.async.lock_duration,
      // Stalls are counted by runTaskJob against the task's attempts (and reported when they exhaust them). BullMQ's
      // own limit (1 by default) failed a job on its second stall without calling the processor: no log, no report.
      maxStalledCount: Number.MAX_SAFE_INTEGER,
      autorun: false, // started once the queue-wide limits and the schedules are in place
    });
    worker.on('error', (error) => logger.warn({ queue, err: { message: error.message } }, 'worker error'));
    worker.on('stalled', (jobId) => void reportStalled(worker, jobId, logger, telemetry.metrics));
    return worker;
  });
  let stopRestoring = async () => undefined as void;
  // BullMQ does not close a connection it was given: they are closed here, after their workers.
  const release = async (force: boolean) => {
    await stopRestoring();
    await Promise.all(workers.map((worker) => worker.close(force)));
    for (const connection of connections) connection.disconnect();
    await scope.closeTaskBackend();
    await cancels.close();
    await clients.close();
  };
  try {
    // Queue-wide limits first, so that no worker takes a job under a stale one.
    await syncGlobalConcurrency(config, names, logger);
    await Promise.all(workers.map((worker) => worker.waitUntilReady()));
    await syncSchedules({ config, logger, queues: workers.map((worker) => worker.name) });
    stopRestoring = restoreAfterDataLoss({ connection: connections[0], config, logger, queues: names });
  } catch (error) {
    await release(true);
    throw error;
  }
  for (const worker of workers) {
    worker.run().catch((error: Error) => logger.error({ queue: worker.name, err: { message: error.message } }, 'worker stopped consuming'));
  }

  let closing: Promise<{ clean: boolean }> | undefined;
  const stop = async () => {
    let timer: NodeJS.Timeout | undefined;
    // Stop taking jobs and wait for the active ones (pause, not close: BullMQ's close(true) after a close()
    // only waits for that first close, so a worker could not give up on a task that outlasts the timeout).
    // pause() rejects when Redis drops as it reconnects afterwards: its jobs are done by then, so close anyway.
    const paused = (worker: Worker) =>
      worker.pause().catch((error: Error) => logger.warn({ queue: worker.name, err: { message: error.message } }, 'worker pause failed'));
    const graceful = Promise.all(workers.map(paused)).then(() => true);
    const deadline = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), config.async.shutdown_timeout * 1000);
    });
    const clean = await Promise.race([graceful, deadline]);
    clearTimeout(timer);
    // Forced: the locks of tasks still running are no longer renewed, so they expire and another worker runs them.
    await release(!clean);
    return { clean };
  };
  // Once: a second close (a second signal) waits for the first, whose deadline still holds.
  const close = () => (closing ??= stop());
  const queues = workers.map((worker) => worker.name);
  const concurrency = Object.fromEntries(queues.map((queue) => [queue, concurrencyOf(queue)]));
  return { queues, concurrency, tasks: listTasks().map((task) => task.name), logger, scope, run: scope.run, metrics: telemetry.metrics?.registry, close };
}

/**
 * A job this worker found stalled (its worker stopped renewing its lock: it died or its event loop was blocked) is
 * counted and logged with its task's name; BullMQ moves it back to the queue, or fails it past its stall limit.
 */
async function reportStalled(worker: Worker, jobId: string, logger: Logger, metrics: PymMetrics | undefined): Promise<void> {
  const job = await Job.fromId(worker, jobId).catch(() => undefined);
  const task = job && findTask(job.name) ? job.name : '(unknown)';
  logger.warn({ task: { name: job?.name, jobId }, outcome: 'stalled' }, `task ${job?.name ?? jobId} stalled: its worker stopped renewing its lock; it goes back to the queue`);
  metrics?.taskRun(task, 'stalled');
}
