// `pym config [KEY]`: print the resolved config, or one key, with secrets masked.
import type { Command } from 'commander';
import yaml from 'js-yaml';
import { getConfigValue } from '../config/get-config-value';
import { loadConfig } from '../config/load-config';
import { maskConfig } from '../config/mask-config';
import { CliError } from './cli-error';

interface ConfigOptions {
  env?: string;
  config?: string;
  showSecrets?: boolean;
}

/** Print the whole config as YAML, or the value of one (dotted) key. */
export function configCommand(key: string | undefined, options: ConfigOptions): void {
  const config = loadConfig({ configPath: options.config, env: options.env });
  // Everything but the list of secret values (only there to mask them in logs): masked, it would read as noise.
  const { secretValues: _secretValues, ...masked } = maskConfig(config, { showSecrets: options.showSecrets === true });
  if (key === undefined) {
    process.stdout.write(yaml.dump(masked));
    return;
  }
  const value = getConfigValue(masked as never, key);
  if (value === undefined) throw new CliError(`no key "${key}" in the config of ${config.file}`);
  process.stdout.write(typeof value === 'object' ? yaml.dump(value) : `${String(value)}\n`);
}

/** Register `pym config` on the program. */
export function registerConfigCommand(program: Command): void {
  program
    .command('config')
    .description('print the resolved config, or one key (secrets masked)')
    .argument('[key]', 'a key, dotted for nested ones (e.g. async.prefix)')
    .option('--env <name>', 'environment (overrides PYM_ENV)')
    .option('--config <file>', 'config file')
    .option('--show-secrets', 'print secret values instead of masking them')
    .action(configCommand);
}
