// findConfigFile: locate pym-config.yaml from --config, PYM_CONFIG or an upward search from cwd.
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from './config-error';

/** The config file's name looked for by the upward search. */
export const CONFIG_FILE_NAME = 'pym-config.yaml';

/** Where to look for the config file. */
export interface FindConfigFileOptions {
  /** Explicit path (the `--config` flag), relative to `cwd`. A folder means `<folder>/pym-config.yaml`. */
  configPath?: string;
  /** Where the upward search starts and relative paths are resolved from. @defaultValue `process.cwd()` */
  cwd?: string;
  /** Environment read for `PYM_CONFIG`. @defaultValue `process.env` */
  environment?: NodeJS.ProcessEnv;
}

/**
 * The absolute path of the config file to load: `configPath` if given, else the `PYM_CONFIG` environment
 * variable, else the nearest `pym-config.yaml` in `cwd` or one of its parents.
 *
 * @throws ConfigError when the given file does not exist, or when the search finds none.
 * @example
 * const file = findConfigFile({ configPath: opts.config }); // '/srv/app/pym-config.yaml'
 */
export function findConfigFile(options: FindConfigFileOptions = {}): string {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const environment = options.environment ?? process.env;
  if (options.configPath) return explicitFile(path.resolve(cwd, options.configPath), 'given with --config');
  const fromEnv = environment.PYM_CONFIG;
  if (fromEnv) return explicitFile(path.resolve(cwd, fromEnv), 'given by the PYM_CONFIG environment variable');
  for (let dir = cwd; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, CONFIG_FILE_NAME);
    if (isFile(candidate)) return candidate;
    if (path.dirname(dir) === dir) break;
  }
  throw new ConfigError(path.join(cwd, CONFIG_FILE_NAME), [
    {
      key: '',
      message:
        `no ${CONFIG_FILE_NAME} found in ${cwd} or any parent folder; ` +
        `create one in the service root, pass --config PATH, or set PYM_CONFIG=PATH`,
    },
  ]);
}

function explicitFile(file: string, origin: string): string {
  const resolved = isDirectory(file) ? path.join(file, CONFIG_FILE_NAME) : file;
  if (isFile(resolved)) return resolved;
  throw new ConfigError(resolved, [
    { key: '', message: `config file not found (${origin}); check the path, or omit it to search upward for ${CONFIG_FILE_NAME}` },
  ]);
}

function isFile(file: string): boolean {
  return fs.statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
}

function isDirectory(file: string): boolean {
  return fs.statSync(file, { throwIfNoEntry: false })?.isDirectory() ?? false;
}
