// `pym gen [--check]`: write pym's components file and the typed model modules of every spec, or fail when stale.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/load-config';
import { checkGenerated, generateAll, writeGenerated } from '../models/codegen/generate-all';
import { checkPymComponentsFile, pymComponentsFile } from '../models/codegen/pym-components-file';
import { loadApis } from '../openapi/load-apis';
import { CliError } from './cli-error';

interface GenOptions {
  check?: boolean;
  env?: string;
  config?: string;
}

/**
 * Write `_pym/components.yaml` into the apis folder (first: specs may reference it) and `<spec>.models.ts` next to
 * each spec; with --check, only compare.
 */
export async function genCommand(options: GenOptions): Promise<void> {
  const config = loadConfig({ configPath: options.config, env: options.env });
  const relative = (file: string) => path.relative(process.cwd(), file);
  if (options.check) {
    const components = checkPymComponentsFile(config.apisDir);
    if (components && fs.existsSync(config.apisDir)) {
      // Checked before the specs are loaded: one that references a missing file would fail to load.
      throw new CliError(`pym's components file is ${components.reason}: run \`pym gen\``, [relative(components.file)]);
    }
  }
  const written = options.check || !fs.existsSync(config.apisDir) ? [] : writeGenerated([pymComponentsFile(config.apisDir)]);
  const apis = await loadApis(config.apisDir);
  const generateOptions = { srcDir: config.srcDir };
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
  written.push(...writeGenerated(generateAll(apis, generateOptions)));
  for (const file of written) process.stdout.write(`wrote ${relative(file)}\n`);
  if (written.length === 0) process.stdout.write(`generated models are up to date (${apis.length} specs)\n`);
}

/** Register `pym gen` on the program. */
export function registerGenCommand(program: Command): void {
  program
    .command('gen')
    .description("write pym's components file (apis/_pym/components.yaml) and typed model classes and handler types (next to each spec)")
    .option('--check', 'fail when a generated file is missing or stale, without writing')
    .option('--env <name>', 'environment (overrides PYM_ENV)')
    .option('--config <file>', 'config file')
    .action(genCommand);
}
