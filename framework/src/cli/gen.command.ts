// `pym gen [--check]`: write the typed model modules of every spec, or fail when they are stale.
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/load-config';
import { checkGenerated, generateAll, writeGenerated } from '../models/codegen/generate-all';
import { loadApis } from '../openapi/load-apis';
import { CliError } from './cli-error';

interface GenOptions {
  check?: boolean;
  env?: string;
  config?: string;
}

/** Generate `<spec>.models.ts` next to each spec; with --check, only compare. */
export async function genCommand(options: GenOptions): Promise<void> {
  const config = loadConfig({ configPath: options.config, env: options.env });
  const apis = await loadApis(config.apisDir);
  const generateOptions = { srcDir: config.srcDir };
  const relative = (file: string) => path.relative(process.cwd(), file);
  if (options.check) {
    const stale = checkGenerated(apis, generateOptions);
    if (stale.length > 0) {
      throw new CliError(
        `${stale.length} generated model file(s) are stale: run \`pym gen\``,
        stale.map((file) => `${relative(file.file)}: ${file.reason}`),
      );
    }
    process.stdout.write(`generated models are up to date (${apis.length} specs)\n`);
    return;
  }
  const written = writeGenerated(generateAll(apis, generateOptions));
  for (const file of written) process.stdout.write(`wrote ${relative(file)}\n`);
  if (written.length === 0) process.stdout.write(`generated models are up to date (${apis.length} specs)\n`);
}

/** Register `pym gen` on the program. */
export function registerGenCommand(program: Command): void {
  program
    .command('gen')
    .description('generate typed model classes and handler types from the specs (next to each spec)')
    .option('--check', 'fail when a generated file is missing or stale, without writing')
    .option('--env <name>', 'environment (overrides PYM_ENV)')
    .option('--config <file>', 'config file')
    .action(genCommand);
}
