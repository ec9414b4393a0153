// The clients of each loaded service, found from its config: loaded at startup, reached by generated clients.
import type { PymConfig } from '../config/config-schema';
import { ClientsRuntime } from './clients-runtime';
import type { ClientSpec } from './client-specs';

/**
 * The clients of each app or worker, by its config object (each `createApp` / `startWorker` has its own frozen
 * config, which `getConfig()` returns in its requests and tasks): a second app in the process has its own
 * clients, and an app's clients go away with its config.
 */
const runtimes = new WeakMap<PymConfig, ClientsRuntime>();

/** Make the clients of `config` callable (createApp and startWorker do, with the specs they registered the models of). */
export function installClients(config: PymConfig, specs: readonly ClientSpec[]): ClientsRuntime {
  const runtime = new ClientsRuntime(config, specs);
  runtimes.set(config, runtime);
  return runtime;
}

/** The clients of `config`, once installed. */
export function clientsOf(config: PymConfig): ClientsRuntime | undefined {
  return runtimes.get(config);
}
