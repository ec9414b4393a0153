// The process-wide config: set once at startup (createApp, pym worker), read anywhere with getConfig().
import type { PymConfig } from './config-schema';

let current: PymConfig | undefined;

/** Make `config` the process-wide configuration (replaces any previous one). */
export function setConfig(config: PymConfig): void {
  current = config;
}

/**
 * The process-wide configuration.
 *
 * @throws Error when no config was set yet.
 * @example
 * const { jwt_issuer } = getConfig();
 */
export function getConfig(): PymConfig {
  if (!current) throw new Error('pym config is not loaded: call loadConfig()/createApp() first');
  return current;
}

/** Whether a config was set. */
export function hasConfig(): boolean {
  return current !== undefined;
}

/** Forget the process-wide config. For tests. */
export function resetConfig(): void {
  current = undefined;
}
