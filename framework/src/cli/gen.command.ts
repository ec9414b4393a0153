// `pym gen [--check] [--fetch]`: write pym's components file, the typed model modules of every spec and the clients of
// the config, or fail when they are stale.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { checkClients, downloadClientSpecs, generateClients, removeOrphanClientModules } from '../clients/codegen/generate-clients';
import { loadConfig } from '../config/load-config';
import { checkGenerated, generateAll, writeGenerated } from '../models/codegen/generate-all';
import { checkPymComponentsFile, pymComponentsFile } from '../models/codegen/pym-components-file';
import { loadApis } from '../openapi/load-apis';
import { CliError } from './cli-error';

interface GenOptions {
  check?: boolean;
  fetch?: boolean;
  env?: string;
  config?: string;
}

/**
 * Write `_pym/components.yaml` into the apis folder (first: specs may reference it), `<spec>.models.ts` next to each
 * spec and `<clients_dir>/<name>.client.ts` per client; with --check, only compare.
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
  const clients = Object.keys(config.clients).length;
  const summary = `generated models are up to date (${apis.length} specs${clients > 0 ? `, ${clients} client${clients === 1 ? '' : 's'}` : ''})`;
  if (options.check) {
    if (options.fetch) throw new CliError('--check and --fetch cannot be combined: --check never uses the network');
    const stale = [...checkGenerated(apis, generateOptions), ...(await checkClients(config, apis))];
    if (stale.length > 0) {
      throw new CliError(
        `${stale.length} generated file(s) are stale: run \`pym gen\``,
        stale.map((file) => `${relative(file.file)}: ${file.reason}`),
      );
    }
    process.stdout.write(`${summary}\n`);
    return;
  }
  for (const file of await downloadClientSpecs(config, { refresh: options.fetch })) process.stdout.write(`downloaded ${relative(file)}\n`);
  written.push(...writeGenerated([...generateAll(apis, generateOptions), ...(await generateClients(config, apis))]));
  for (const file of written) process.stdout.write(`wrote ${relative(file)}\n`);
  const removed = removeOrphanClientModules(config);
  for (const file of removed) process.stdout.write(`removed ${relative(file)} (no such client in the config)\n`);
  if (written.length === 0 && removed.length === 0) process.stdout.write(`${summary}\n`);
}

/** Register `pym gen` on the program. */
export function registerGenCommand(program: Command): void {
  program
    .command('gen')
    .description("write pym's components file (apis/_pym/components.yaml), typed models and handler types (next to each spec), and a typed client per configured client")
    .option('--check', 'fail when a generated file is missing or stale, without writing (never uses the network)')
    .option('--fetch', 'download again the specs of clients configured by URL')
    .option('--env <name>', 'environment (overrides PYM_ENV)')
    .option('--config <file>', 'config file')
    .action(genCommand);
}
