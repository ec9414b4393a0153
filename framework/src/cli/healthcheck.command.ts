// `pym healthcheck`: ask the running service whether it is ready (a container HEALTHCHECK; exit 0 or 1).
import type { Command } from 'commander';
import { loadConfig } from '../config/load-config';
import { CliError } from './cli-error';
import { portOption } from './parse-options';

interface HealthcheckOptions {
  port?: number;
  path: string;
  timeout: number;
  env?: string;
  config?: string;
}

/**
 * GET `path` on 127.0.0.1 at the service's port: `--port`, else `$PYM_PORT` (as `pym start`), else the config's
 * `port`. Resolves on a 2xx; anything else, or no answer within the timeout, is a CliError (exit 1).
 */
export async function healthcheckCommand(options: HealthcheckOptions): Promise<void> {
  const port = options.port ?? loadConfig({ configPath: options.config, env: options.env }).port;
  const url = `http://127.0.0.1:${port}${options.path}`;
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(options.timeout) });
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${options.timeout} ms` : ((error as Error & { cause?: Error }).cause ?? (error as Error)).message;
    throw new CliError(`GET ${url} failed: ${reason}`);
  }
  const body = (await response.text()).slice(0, 300);
  if (!response.ok) throw new CliError(`GET ${url} answered ${response.status}`, body ? [body] : []);
  process.stdout.write(`GET ${url}: ${response.status}\n`);
}

/** Register `pym healthcheck` on the program. */
export function registerHealthcheckCommand(program: Command): void {
  program
    .command('healthcheck')
    .description('exit 0 when the service on this machine answers GET /ready with a 2xx (for a container HEALTHCHECK)')
    .addOption(portOption('port of the service (default: $PYM_PORT, else the config\'s port)'))
    .option('--path <path>', 'the path to ask', '/ready')
    .option('--timeout <ms>', 'milliseconds to wait for the answer', (value) => Number(value), 3000)
    .option('--env <name>', 'environment (overrides PYM_ENV)')
    .option('--config <file>', 'config file')
    .action(healthcheckCommand);
}
