// getConfigValue: read one key of the config by its dotted path (for `pym config KEY`).
import { getAtPath } from './key-path';

/**
 * The value at a dotted key path (`async.prefix`, `env_secrets.0`), or undefined when there is none.
 * Only the config's own keys are followed (never `constructor`, `__proto__` and the like).
 *
 * @example
 * getConfigValue(config, 'async.prefix') // 'pym'
 */
export function getConfigValue(config: object, keyPath: string): unknown {
  if (keyPath.trim() === '') return undefined;
  return getAtPath(config, keyPath.split('.'));
}
