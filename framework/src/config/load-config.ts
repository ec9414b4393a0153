// loadConfig: read pym-config.yaml (+ its env overlay), substitute env_secrets, validate, apply overrides, freeze.
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { ConfigError, type ConfigProblem } from './config-error';
import { configFileSchema, type ConfigFile, type PymConfig } from './config-schema';
import { deepFreeze } from './deep-freeze';
import { deepMerge, isPlainObject } from './deep-merge';
import { docsProblems, resolveDocs } from './docs-config';
import { applyEnvSecrets, envSecretNames } from './env-secrets';
import { findConfigFile } from './find-config-file';
import { jwtIssuersProblems } from './jwt-issuers-schema';
import { redisUrlPasswords } from './redis-url';
import { formatKeyPath, hasPath, type PathProblem } from './key-path';
import { didYouMean, schemaProblems } from './schema-problems';

/** Values given on the command line; they win over the file and are validated like it. */
export interface ConfigOverrides {
  /** `--port`. */
  port?: number;
  /** `--host`. */
  host?: string;
  /** Any other top-level config key; `undefined` values are ignored. */
  [key: string]: unknown;
}

/** Options of `loadConfig`. */
export interface LoadConfigOptions {
  /** Explicit config file (`--config`). @defaultValue `PYM_CONFIG`, else the nearest pym-config.yaml upward from `cwd` */
  configPath?: string;
  /** Where the search starts. @defaultValue `process.cwd()` */
  cwd?: string;
  /** The environment name (`--env`), which selects the `pym-config.<env>.yaml` overlay. @defaultValue `PYM_ENV`, else `dev` */
  env?: string;
  /** Command-line values applied last. */
  overrides?: ConfigOverrides;
  /** Environment variables read for `PYM_CONFIG`, `PYM_ENV` and env_secrets. @defaultValue `process.env` */
  environment?: NodeJS.ProcessEnv;
}

const ENV_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
/** The environments in which `debug: true` may put internal messages and stacks in error bodies. */
const DEBUG_ENVS = ['dev', 'test'];
const COMMAND_LINE = 'command line';

/**
 * Load, check and freeze the service's configuration. Every problem (unknown key, bad value, unset
 * env secret, bad override) is collected into a single ConfigError whose message names the file.
 * The result is not stored: pass it to `setConfig` (createApp does).
 *
 * @throws ConfigError listing every problem found.
 * @example
 * const config = loadConfig({ env: 'prod', overrides: { port: 9000 } });
 * config.port;   // 9000
 * config.apisDir // '/srv/app/apis'
 */
export function loadConfig(options: LoadConfigOptions = {}): PymConfig {
  const environment = options.environment ?? process.env;
  const { file, env, overlay, overlayFile, merged } = readConfigSources(options);

  const secrets = applyEnvSecrets(merged, envSecretNames(merged), environment);
  const missing = new Set(secrets.problems.map((p) => formatKeyPath(p.path)));
  const parsed = configFileSchema.safeParse(secrets.value);
  const fileProblems: PathProblem[] = [
    ...secrets.problems,
    ...(parsed.success ? [] : schemaProblems(configFileSchema, parsed.error.issues, secrets.value)).filter(
      (p) => !missing.has(formatKeyPath(p.path)),
    ),
  ];
  const problems: ConfigProblem[] = fileProblems.map((p) => ({
    key: formatKeyPath(p.path),
    message: p.message,
    ...(overlay && hasPath(overlay, p.path) ? { source: overlayFile } : {}),
  }));
  const overridden = validateOverrides(options.overrides ?? {}, problems);
  const debug = overridden.debug ?? (parsed.success ? (parsed.data as ConfigFile).debug : false);
  if (debug && !DEBUG_ENVS.includes(env)) {
    problems.push({
      key: 'debug',
      message: `true puts internal messages and stack traces in error bodies, which only PYM_ENV ${DEBUG_ENVS.join(' or ')} may do (this is "${env}"): set debug: false, or set it in ${path.basename(overlayPath(file, 'dev'))} only`,
      ...(overridden.debug !== undefined ? { source: 'command line' } : overlay && hasPath(overlay, ['debug']) ? { source: overlayFile } : {}),
    });
  }

  const docs = overridden.docs ?? (parsed.success ? (parsed.data as ConfigFile).docs : undefined);
  for (const problem of docs ? docsProblems(docs) : []) {
    problems.push({ ...problem, ...(overridden.docs !== undefined ? { source: COMMAND_LINE } : overlay && hasPath(overlay, ['docs']) ? { source: overlayFile } : {}) });
  }

  if (parsed.success) {
    const data = { ...(parsed.data as ConfigFile), ...overridden };
    for (const problem of jwtIssuersProblems(data)) problems.push(overlay && hasPath(overlay, ['jwt_issuers']) ? { ...problem, source: overlayFile } : problem);
  }

  const secretValues = [...secrets.secretValues];
  if (problems.length > 0) {
    // jwt_secret is a secret whatever its source, unless it is still the name of an unset variable.
    const jwt = missing.has('jwt_secret') ? undefined : secrets.value.jwt_secret;
    throw new ConfigError(file, scrub(problems, typeof jwt === 'string' ? [...secretValues, jwt] : secretValues));
  }

  const data: ConfigFile = { ...(parsed.data as ConfigFile), ...overridden };
  for (const secret of [data.jwt_secret, data.async.seal_secret, ...redisUrlPasswords(data.async.redis_url)]) {
    if (secret && !secretValues.includes(secret)) secretValues.push(secret);
  }
  const root = path.dirname(file);
  const config: PymConfig = {
    ...data,
    version: data.version ?? packageVersion(root) ?? '0.0.0',
    env,
    file,
    root,
    apisDir: path.resolve(root, data.apis),
    srcDir: path.resolve(root, data.src),
    docs: resolveDocs(data.docs, env),
    clientsDir: path.resolve(root, data.clients_dir),
    secretValues,
  };
  return deepFreeze(config);
}

/** A service's config files as written: env secrets not substituted, nothing validated. */
export interface ConfigSources {
  /** Absolute path of the config file. */
  file: string;
  /** The environment, which selected the overlay. */
  env: string;
  /** Path of the environment's overlay (`pym-config.<env>.yaml`), whether it exists or not. */
  overlayFile: string;
  /** The overlay's keys, when the file exists. */
  overlay?: Record<string, unknown>;
  /** The file with the overlay deep-merged over it. */
  merged: Record<string, unknown>;
}

/**
 * Find and read the config file and its environment's overlay (the first steps of loadConfig), for tools that need
 * the config as written: `pym deploy` keeps env-secret names as names.
 *
 * @throws ConfigError when a file cannot be read or is not a YAML mapping, or the environment name is invalid.
 */
export function readConfigSources(options: Pick<LoadConfigOptions, 'configPath' | 'cwd' | 'env' | 'environment'> = {}): ConfigSources {
  const environment = options.environment ?? process.env;
  const file = findConfigFile({ configPath: options.configPath, cwd: options.cwd, environment });
  const env = options.env || environment.PYM_ENV || 'dev';
  if (!ENV_NAME.test(env)) {
    throw new ConfigError(file, [{ key: '', message: `invalid environment name "${env}": use letters, digits, "-" and "_"` }]);
  }
  const base = readYamlMapping(file);
  const overlayFile = overlayPath(file, env);
  const overlay = fs.existsSync(overlayFile) ? readYamlMapping(overlayFile) : undefined;
  return { file, env, overlayFile, overlay, merged: overlay ? deepMerge(base, overlay) : base };
}

/** `/x/pym-config.yaml` + `prod` → `/x/pym-config.prod.yaml` (same for any other file name). */
function overlayPath(file: string, env: string): string {
  const ext = path.extname(file);
  return path.join(path.dirname(file), `${path.basename(file, ext)}.${env}${ext}`);
}

function readYamlMapping(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(file, [{ key: '', message: `cannot read the file (${(err as NodeJS.ErrnoException).code ?? 'error'})` }]);
  }
  let value: unknown;
  try {
    value = yaml.load(text, { filename: file }); // js-yaml 4's load is the safe one: no JS-specific types
  } catch (err) {
    // The reason and position only: js-yaml's full message quotes the surrounding lines, which may hold secrets.
    const { reason, mark } = err as yaml.YAMLException;
    throw new ConfigError(file, [{ key: '', message: `invalid YAML at line ${mark.line + 1}, column ${mark.column + 1}: ${reason}` }]);
  }
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) {
    throw new ConfigError(file, [{ key: '', message: `must be a mapping of keys to values, got ${Array.isArray(value) ? 'a list' : `a ${typeof value}`}` }]);
  }
  return value;
}

/** Validate each override against its key's schema; append problems; return the valid ones. */
function validateOverrides(overrides: ConfigOverrides, problems: ConfigProblem[]): Partial<ConfigFile> {
  const shape = configFileSchema.shape as Record<string, (typeof configFileSchema.shape)[keyof ConfigFile]>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) continue;
    const schema = Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (!schema) {
      const suggestion = didYouMean(key, Object.keys(shape));
      problems.push({ key, message: `unknown override${suggestion ? `; did you mean "${suggestion}"?` : ''}`, source: COMMAND_LINE });
      continue;
    }
    const result = schema.safeParse(value);
    if (result.success) out[key] = result.data;
    else {
      for (const p of schemaProblems(schema, result.error.issues, value)) {
        problems.push({ key: formatKeyPath([key, ...p.path]), message: p.message, source: COMMAND_LINE });
      }
    }
  }
  return out as Partial<ConfigFile>;
}

function packageVersion(root: string): string | undefined {
  try {
    const pkg: unknown = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    const version = isPlainObject(pkg) ? pkg.version : undefined;
    return typeof version === 'string' && version.length > 0 ? version : undefined;
  } catch {
    return undefined; // no package.json, or not JSON: the version falls back to 0.0.0
  }
}

/** Defence in depth: messages are built without values, but make sure no secret slipped in. */
function scrub(problems: ConfigProblem[], secrets: readonly string[]): ConfigProblem[] {
  const words = secrets.filter((s) => s.length >= 4);
  if (words.length === 0) return problems;
  return problems.map((p) => ({ ...p, message: words.reduce((m, s) => m.split(s).join('********'), p.message) }));
}
