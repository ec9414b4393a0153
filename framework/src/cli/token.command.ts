// `pym token`: print a JWT signed with the service's config (for development and tests).
import type { Command } from 'commander';
import { signToken } from '../auth/generate-token';
import { jwtSettingsFrom } from '../auth/jwt-settings';
import { loadConfig } from '../config/load-config';
import { CliError } from './cli-error';
import { parseJsonObject, parsePositiveInt } from './parse-options';

interface TokenOptions {
  user?: string;
  expires?: number;
  data?: Record<string, unknown>;
  env?: string;
  config?: string;
}

/** Print a token for `--user` (default: default_user_id). */
export function tokenCommand(options: TokenOptions): void {
  const config = loadConfig({ configPath: options.config, env: options.env });
  const userId = options.user ?? config.default_user_id;
  if (!userId) throw new CliError(`no user: pass --user ID or set default_user_id in ${config.file}`);
  const token = signToken(jwtSettingsFrom(config), userId, { expiresIn: options.expires, data: options.data });
  process.stdout.write(`${token}\n`);
}

/** Register `pym token` on the program. */
export function registerTokenCommand(program: Command): void {
  program
    .command('token')
    .description("print a JWT signed with the service's jwt_secret (development and tests)")
    .option('--user <id>', 'the token subject (default: default_user_id of the config)')
    .option('--expires <seconds>', 'lifetime in seconds (default: jwt_token_timeout)', parsePositiveInt)
    .option('--data <json>', 'extra claims as a JSON object', parseJsonObject)
    .option('--env <name>', 'environment (overrides PYM_ENV)')
    .option('--config <file>', 'config file')
    .action(tokenCommand);
}
