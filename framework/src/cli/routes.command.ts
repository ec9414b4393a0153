// `pym routes`: list every bound operation (method, path, handler, auth), built-ins included.
import type { Command } from 'commander';
import { loadConfig } from '../config/load-config';
import { builtinDocument } from '../http/builtin-api';
import { apiFromDocument, loadApis } from '../openapi/load-apis';
import { listOperations } from '../openapi/list-operations';

interface RoutesOptions {
  env?: string;
  config?: string;
}

/** Format rows as left-aligned columns. */
function columns(rows: string[][]): string {
  const widths = rows[0]!.map((_, index) => Math.max(...rows.map((row) => row[index]!.length)));
  return rows.map((row) => row.map((cell, index) => cell.padEnd(widths[index]!)).join('  ').trimEnd()).join('\n');
}

/** Print one line per operation. */
export async function routesCommand(options: RoutesOptions): Promise<void> {
  const config = loadConfig({ configPath: options.config, env: options.env });
  const apis = await loadApis(config.apisDir);
  const builtin = await apiFromDocument(builtinDocument(config.jwt_secret !== undefined), { name: 'pym', file: '<builtin>' });
  const rows = listOperations([...apis, builtin]).map((operation) => [
    operation.method.toUpperCase(),
    operation.fullPath,
    operation.api === builtin ? `pym:${operation.operationId}` : (operation.bind?.raw ?? '(unbound)'),
    operation.auth === 'none' ? 'public' : `jwt (${operation.auth})`,
  ]);
  process.stdout.write(`${columns([['METHOD', 'PATH', 'HANDLER', 'AUTH'], ...rows])}\n`);
}

/** Register `pym routes` on the program. */
export function registerRoutesCommand(program: Command): void {
  program
    .command('routes')
    .description('list every bound operation: method, path, handler, auth')
    .option('--env <name>', 'environment (overrides PYM_ENV)')
    .option('--config <file>', 'config file')
    .action(routesCommand);
}
