// `pym start`: serve every spec of the service (and run its task workers when with_async is on).
import type { Command } from 'commander';
import { loadConfig } from '../config/load-config';
import { loadServiceHooks } from '../config/load-hooks';
import { maskUrlPassword } from '../config/mask-config';
import { createApp, type PymApp } from '../http/create-app';
import { shutdownDelaySeconds } from '../http/readiness';
import { serve } from '../http/serve';
import { serveMetrics } from '../metrics/metrics-server';
import { isRedisReachable } from '../tasks/check-redis';
import { createInProcessBackend } from '../tasks/in-process-backend';
import { listTasks } from '../tasks/task-registry';
import { superviseWorkers, type SupervisedWorkers } from '../tasks/worker-supervisor';
import { CliError } from './cli-error';
import { onShutdownSignal } from './on-shutdown-signal';
import { portOption } from './parse-options';
import { registerTypeScriptLoader } from './typescript-loader';

interface StartOptions {
  port?: number;
  host?: string;
  env?: string;
  config?: string;
  worker: boolean;
}

/**
 * When the service uses tasks, Redis must answer. In dev only, an unreachable Redis switches tasks to the
 * in-process backend (warned loudly); anywhere else it is a startup error. Returns whether Redis is up.
 */
async function checkTaskQueue(pymApp: PymApp): Promise<boolean> {
  const { config, logger } = pymApp;
  if (!config.with_async && listTasks().length === 0) return true;
  if (await isRedisReachable(config.async.redis_url)) return true;
  if (config.env !== 'dev') {
    throw new CliError(`Redis is unreachable at ${maskUrlPassword(config.async.redis_url)} (async.redis_url in ${config.file})`, [
      'start Redis, or fix async.redis_url; only PYM_ENV=dev may run without it',
    ]);
  }
  logger.warn(
    { redis: maskUrlPassword(config.async.redis_url) },
    'Redis is unreachable: DEV MODE runs tasks inside this process (sealed envelopes, no persistence, no workers)',
  );
  pymApp.scope.useTaskBackend(createInProcessBackend(pymApp.scope, loadServiceHooks(config).reportError));
  return false;
}

/** Start the HTTP server; resolves once it listens (the process then lives until a signal). */
export async function startCommand(options: StartOptions): Promise<void> {
  const loaded = loadConfig({ configPath: options.config, env: options.env, overrides: { port: options.port, host: options.host } });
  registerTypeScriptLoader(loaded.srcDir);
  const pymApp = await createApp({ config: loaded });
  const { app, config, logger, operations } = pymApp;
  const redisUp = await checkTaskQueue(pymApp);
  let workers: SupervisedWorkers | undefined;
  if (config.with_async && options.worker && redisUp) {
    const args = [...(options.config ? ['--config', options.config] : []), '--env', config.env];
    workers = superviseWorkers({ count: config.async.workers, args, logger, stopTimeout: config.async.shutdown_timeout + 5 });
  }
  const appMetrics = pymApp.metrics;
  // The worker processes' metrics join the server's scrape (a worker that does not answer within 1 s is left out).
  if (appMetrics && workers) appMetrics.addSource(() => workers.metrics(1000));
  const metricsServer =
    appMetrics && config.metrics.port !== undefined
      ? await serveMetrics({ render: () => appMetrics.render(), port: config.metrics.port, host: config.host, path: config.metrics.path, logger })
      : undefined;
  const running = await serve(app, { port: config.port, host: config.host, logger, shutdownTimeout: config.shutdown_timeout });
  // /ready turns 503 and requests are still served for shutdown_delay seconds, so that load balancers stop sending
  // new ones; then HTTP (no new tasks come in), then the workers finish theirs, then the queue connection. Installed
  // before the listening line: a SIGTERM sent as soon as it is read must stop the service gracefully, not kill it.
  const delay = shutdownDelaySeconds(config);
  onShutdownSignal(logger, delay > 0 ? `not ready; shutting down in ${delay} s` : 'shutting down', async () => {
    pymApp.readiness.drain();
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay * 1000));
    const clean = await running.close();
    await workers?.stop();
    await metricsServer?.close();
    await pymApp.close();
    return { clean };
  });
  logger.info(
    { url: running.url, operations: operations.length, env: config.env, workers: workers ? config.async.workers : 0, metrics: metricsServer?.url },
    `${config.name} listening on ${running.url} (${operations.length} operations)`,
  );
}

/** Register `pym start` on the program. */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('serve every OpenAPI spec of the service (and its task workers when with_async is on)')
    .addOption(portOption('port to listen on (overrides the config; default: $PYM_PORT, else the config\'s port)'))
    .option('--host <host>', 'interface to listen on (overrides the config)')
    .option('--env <name>', 'environment (overrides PYM_ENV; selects pym-config.<env>.yaml)')
    .option('--config <file>', 'config file (overrides PYM_CONFIG and the upward search)')
    .option('--no-worker', 'do not start task workers even when with_async is on')
    .action(startCommand);
}
