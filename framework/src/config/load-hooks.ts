// The service's hooks module (`hooks: <module>#<export>` in pym-config.yaml): formatError and reportError.
import path from 'node:path';
import type { PymConfig } from './config-schema';
import { ConfigError } from './config-error';
import type { ErrorFormatter } from '../errors/format-error';
import type { ErrorReporter } from '../errors/report-error';

/** Hooks a service gives pym, from code (createApp options) or from the `hooks` module of its config. */
export interface ServiceHooks {
  /** Turns an error into the JSON body sent to the client. */
  formatError?: ErrorFormatter;
  /** Receives every 5xx of an endpoint and every final task failure (never awaited). */
  reportError?: ErrorReporter;
}

/** Import the `hooks` module named by the config; `{}` when there is none. Problems fail at startup. */
export function loadServiceHooks(config: PymConfig): ServiceHooks {
  if (!config.hooks) return {};
  const [modulePath, exportName] = config.hooks.split('#') as [string, string];
  let loaded: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(require.resolve(path.resolve(config.srcDir, modulePath))) as Record<string, unknown>;
  } catch (cause) {
    throw new ConfigError(config.file, [
      { key: 'hooks', message: `cannot load ${modulePath} from ${config.srcDir}: ${(cause as Error).message}` },
    ]);
  }
  const hooks = loaded[exportName] as ServiceHooks | undefined;
  const problem =
    typeof hooks !== 'object' || hooks === null
      ? `${modulePath} has no object export "${exportName}"`
      : (['formatError', 'reportError'] as const).find((name) => hooks[name] !== undefined && typeof hooks[name] !== 'function');
  if (problem) {
    const message = typeof problem === 'string' && problem.includes(' ') ? problem : `${exportName}.${problem} must be a function`;
    throw new ConfigError(config.file, [{ key: 'hooks', message }]);
  }
  return { formatError: hooks!.formatError, reportError: hooks!.reportError };
}
