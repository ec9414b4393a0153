// `pym routes`: list every operation (method, path, handler, auth), built-ins included; exit 1 on an unbound one.
import type { Command } from 'commander';
import { acceptsTokens } from '../auth/service-verifier';
import { loadConfig } from '../config/load-config';
import { createAppScope } from '../context/app-scope';
import { builtinDocument } from '../http/builtin-api';
import { createLogger } from '../logging/logger';
import { apiFromDocument, loadApis } from '../openapi/load-apis';
import { listOperations } from '../openapi/list-operations';
import { resolveHandlers } from '../openapi/resolve-handlers';
import { registerTypeScriptLoader } from './typescript-loader';

interface RoutesOptions {
  env?: string;
  config?: string;
}

/** Format rows as left-aligned columns. */
function columns(rows: string[][]): string {
  const widths = rows[0]!.map((_, index) => Math.max(...rows.map((row) => row[index]!.length)));
  return rows.map((row) => row.map((cell, index) => cell.padEnd(widths[index]!)).join('  ').trimEnd()).join('\n');
}

/**
 * Print one line per operation; then import every `x-bind-server` handler as `pym start` does, and fail (exit 1)
 * listing the operations that cannot be bound.
 */
export async function routesCommand(options: RoutesOptions): Promise<void> {
  const config = loadConfig({ configPath: options.config, env: options.env });
  registerTypeScriptLoader(config.srcDir);
  const apis = await loadApis(config.apisDir);
  const builtin = await apiFromDocument(builtinDocument(acceptsTokens(config)), { name: 'pym', file: '<builtin>' });
  const rows = listOperations([...apis, builtin]).map((operation) => [
    operation.method.toUpperCase(),
    operation.fullPath,
    operation.api === builtin ? `pym:${operation.operationId}` : (operation.bind?.raw ?? '(unbound)'),
    operation.auth === 'none' ? 'public' : `jwt (${operation.auth})`,
  ]);
  process.stdout.write(`${columns([['METHOD', 'PATH', 'HANDLER', 'AUTH'], ...rows])}\n`);
  const scope = createAppScope(config, createLogger({ level: 'silent' }), () => {
    throw new Error('pym routes does not enqueue tasks');
  });
  scope.run(() => resolveHandlers(listOperations(apis), config.srcDir));
}

/** Register `pym routes` on the program. */
export function registerRoutesCommand(program: Command): void {
  program
    .command('routes')
    .description('list every operation: method, path, handler, auth (exit 1 when a handler cannot be bound)')
    .option('--env <name>', 'environment (overrides PYM_ENV)')
    .option('--config <file>', 'config file')
    .action(routesCommand);
}
