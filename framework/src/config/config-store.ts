// getConfig(): the config of the app the current request or task belongs to; setConfig(): the one of scripts.
import { createAppScope } from '../context/app-scope';
import { currentAppScope } from '../context/request-context';
import { getScriptScope, setScriptScope } from '../context/script-scope';
import { createLogger } from '../logging/logger';
import { createBullmqBackend } from '../tasks/bullmq-backend';
import type { PymConfig } from './config-schema';

/**
 * Make `config` the config of code running outside any app's request or task (a script that enqueues tasks, a
 * REPL): `getConfig()` there returns it, and tasks called there go to its queue. Apps never set it: inside a
 * request or a task, `getConfig()` is the config of the app serving it.
 */
export function setConfig(config: PymConfig): void {
  void getScriptScope()?.closeTaskBackend();
  const logger = createLogger({ level: config.log_level, secretValues: config.secretValues, base: { service: config.name } });
  setScriptScope(createAppScope(config, logger, () => createBullmqBackend(config, logger)));
}

/**
 * The config of the app whose request or task is running (its createApp or startWorker config); outside any,
 * the one given to `setConfig` (scripts).
 *
 * @throws Error outside any request or task when no script config was set.
 * @example
 * const { jwt_issuer } = getConfig();
 */
export function getConfig(): PymConfig {
  const scope = currentAppScope() ?? getScriptScope();
  if (!scope) {
    throw new Error(
      'pym config is not loaded: getConfig() was called outside any request or task of an app; call it inside one (or inside app.run()), or call setConfig(loadConfig()) first in a script',
    );
  }
  return scope.config;
}

/** Whether `getConfig()` has a config to return here. */
export function hasConfig(): boolean {
  return (currentAppScope() ?? getScriptScope()) !== undefined;
}

/** Forget the script config (and close its task queue connection). For tests. */
export async function resetConfig(): Promise<void> {
  const scope = getScriptScope();
  setScriptScope(undefined);
  await scope?.closeTaskBackend();
}
