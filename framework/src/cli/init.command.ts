// `pym init <dir>`: scaffold a standalone service that installs, tests and starts as it is.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../config/load-config';
import { generateAll, writeGenerated } from '../models/codegen/generate-all';
import { pymComponentsFile } from '../models/codegen/pym-components-file';
import { loadApis } from '../openapi/load-apis';
import { CliError } from './cli-error';

/** The scaffold's files; `_gitignore` and `_dockerignore` become dot files (npm would drop a packed .gitignore). */
const TEMPLATE_DIR = path.resolve(__dirname, '../../templates/service');
/** The framework's package.json (the same relative path from src/cli and dist/cli). */
const FRAMEWORK_PACKAGE = path.resolve(__dirname, '../../package.json');
const DOT_FILES: Record<string, string> = { _gitignore: '.gitignore', _dockerignore: '.dockerignore' };
/** A service name: it is the npm package name, the spec's file name, the Redis prefix and the env secrets' stem. */
const SERVICE_NAME = /^[a-z][a-z0-9-]{0,49}$/;

interface InitOptions {
  name?: string;
  framework?: string;
}

/** What `pym init` wrote. */
export interface InitResult {
  dir: string;
  name: string;
  /** The `@pym/framework` dependency written into package.json. */
  frameworkSpec: string;
  files: string[];
}

interface FrameworkPackage {
  version: string;
  /** The Node versions the framework supports: the scaffold declares the same. */
  engines: { node: string };
  devDependencies: Record<string, string>;
}

function frameworkPackage(): FrameworkPackage {
  return JSON.parse(fs.readFileSync(FRAMEWORK_PACKAGE, 'utf8')) as FrameworkPackage;
}

/**
 * The dependency on the framework: a version range by default; a tarball is copied into `vendor/` (so that `npm ci`
 * works in a clone and in the Docker build); a folder is linked by its absolute path; anything else (a range, a git
 * URL, `file:…`) is written as given.
 */
function frameworkDependency(spec: string | undefined, dir: string, version: string): string {
  if (spec === undefined) return `^${version}`;
  const local = path.resolve(spec);
  if (!fs.existsSync(local)) return spec;
  if (fs.statSync(local).isDirectory()) return `file:${local}`;
  if (!/\.(tgz|tar\.gz)$/.test(local)) throw new CliError(`--framework ${spec}: a local file must be a tarball (.tgz) made by npm pack`);
  fs.copyFileSync(local, path.join(dir, 'vendor', path.basename(local)));
  return `file:vendor/${path.basename(local)}`;
}

/** The scaffold's package.json: `start` execs pym so that SIGTERM reaches it (npm runs scripts through `sh -c`). */
function packageJson(name: string, frameworkSpec: string, framework: FrameworkPackage): string {
  const dev = (dependency: string) => framework.devDependencies[dependency]!;
  const manifest = {
    name,
    version: '0.1.0',
    private: true,
    description: `${name}: a pym service`,
    engines: { node: framework.engines.node },
    scripts: {
      start: 'exec pym start',
      dev: 'exec pym dev',
      build: 'tsc -p tsconfig.build.json',
      gen: 'pym gen',
      pretest: 'pym gen --check && tsc --noEmit',
      test: 'node --import tsx --test test/*.test.ts',
    },
    dependencies: { '@pym/framework': frameworkSpec },
    devDependencies: { '@types/node': dev('@types/node'), 'pino-pretty': dev('pino-pretty'), tsx: dev('tsx'), typescript: dev('typescript') },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** Copy the template tree into `dir`, filling in the names. */
function copyTemplate(from: string, to: string, fill: (text: string) => string, written: string[]): void {
  fs.mkdirSync(to, { recursive: true });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const target = path.join(to, fill(DOT_FILES[entry.name] ?? entry.name));
    if (entry.isDirectory()) copyTemplate(path.join(from, entry.name), target, fill, written);
    else {
      fs.writeFileSync(target, fill(fs.readFileSync(path.join(from, entry.name), 'utf8')));
      written.push(target);
    }
  }
}

/**
 * Write a new service into `dir` (which must not exist or be empty): package.json, tsconfig, config and its prod
 * overlay, a spec with a public, a JWT and a task operation, handlers, a task, tests, Dockerfile, README; then
 * generate its models.
 *
 * @throws CliError when `dir` is not empty, the name is not usable, or `--framework` names a file that is no tarball.
 */
export async function initService(dirArgument: string, options: InitOptions = {}): Promise<InitResult> {
  const dir = path.resolve(dirArgument);
  const name = options.name ?? path.basename(dir);
  if (!SERVICE_NAME.test(name)) {
    throw new CliError(`"${name}" cannot name a service: use lowercase letters, digits and "-", starting with a letter`, [
      options.name === undefined ? 'pass --name NAME, or choose another folder name' : 'choose another --name',
    ]);
  }
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) throw new CliError(`${dir} is not empty: pym init writes a new service into a new or empty folder`);
  const framework = frameworkPackage();
  const envStem = name.toUpperCase().replace(/-/g, '_');
  const devSecret = `dev-only-${randomBytes(12).toString('hex')}-change-me`;
  const fill = (text: string) =>
    text.replaceAll('__NAME__', name).replaceAll('__API__', name).replaceAll('__ENV__', envStem).replaceAll('__DEV_SECRET__', devSecret);
  const files: string[] = [];
  copyTemplate(TEMPLATE_DIR, dir, fill, files);
  const frameworkSpec = frameworkDependency(options.framework, dir, framework.version);
  fs.writeFileSync(path.join(dir, 'package.json'), packageJson(name, frameworkSpec, framework));
  files.push(path.join(dir, 'package.json'));
  const config = loadConfig({ configPath: path.join(dir, 'pym-config.yaml'), environment: {} });
  // pym's components file first: the spec references its responses.
  files.push(...writeGenerated([pymComponentsFile(config.apisDir)]));
  files.push(...writeGenerated(generateAll(await loadApis(config.apisDir), { srcDir: config.srcDir })));
  return { dir, name, frameworkSpec, files: files.map((file) => path.relative(dir, file)).sort() };
}

/** `pym init`: scaffold, then say what to run. */
async function initCommand(dir: string, options: InitOptions): Promise<void> {
  const result = await initService(dir, options);
  const shown = dir;
  process.stdout.write(
    `created ${result.name} in ${shown} (${result.files.length} files; @pym/framework: ${result.frameworkSpec})\n\n` +
      `  cd ${shown}\n  npm install && npm test     # tests with tasks inline, no Redis needed\n  npm start                   # http://127.0.0.1:8080\n`,
  );
}

/** Register `pym init` on the program. */
export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description('scaffold a standalone service (specs, handlers, a task, tests, Dockerfile) into a new folder')
    .argument('<dir>', 'the folder to create (or an empty one)')
    .option('--name <name>', 'the service name (default: the folder name)')
    .option('--framework <spec>', 'the @pym/framework dependency: a version range, a tarball made by npm pack (copied into vendor/), a folder or a git URL')
    .action(initCommand);
}
