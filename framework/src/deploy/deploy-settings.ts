// What `pym deploy` reads of a service: its config as written (env-secret names kept), checked, and the values it needs.
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import type { PymConfig } from '../config/config-schema';
import { envSecretNames } from '../config/env-secrets';
import { loadConfig, readConfigSources } from '../config/load-config';
import { redisUrlPasswords } from '../config/redis-url';
import { CliError } from '../cli/cli-error';

/** Options of `pym deploy compose|k8s`. */
export interface DeployOptions {
  /** API replicas. @defaultValue 2 */
  replicas?: number;
  /** Worker replicas. @defaultValue 2 */
  workers?: number;
  /** The service's image. @defaultValue `<name>:<version>` */
  image?: string;
  /** The environment the deployment runs (`PYM_ENV`, selects the overlay). @defaultValue `prod` */
  env?: string;
  /** Config file. @defaultValue the usual search */
  config?: string;
  /** The service root inside the image (its WORKDIR). @defaultValue `/app` */
  appDir?: string;
}

/** Where the generated config is mounted in the containers (`PYM_CONFIG`). */
export const MOUNTED_CONFIG = '/etc/pym/pym-config.yaml';

/** Everything the generators need, checked. */
export interface DeploySettings {
  /** The service's name, fit for resource names (lower-case, digits, "-"). */
  name: string;
  version: string;
  env: string;
  image: string;
  replicas: number;
  workers: number;
  port: number;
  /** Seconds an API process drains requests on SIGTERM (`shutdown_timeout`). */
  httpShutdownSeconds: number;
  /** Seconds a worker waits for its tasks on SIGTERM (`async.shutdown_timeout`). */
  taskShutdownSeconds: number;
  /** The env_secrets names: environment variables the containers get from outside (a Secret, the shell). */
  secretNames: string[];
  /** The name among them that holds `async.redis_url`, if it comes from one. */
  redisUrlSecret?: string;
  /** `async.redis_url` when written in the config (no password, checked). */
  redisUrl?: string;
  /** The pym-config.yaml the containers load (file + overlay merged, env-secret names kept); see configFileText. */
  deployedConfig: Record<string, unknown>;
  /** The files it was made from, for messages. */
  sources: string[];
  /** `node <pym bin>` inside the image. */
  pymCommand: string[];
}

/**
 * A value standing for an env secret while the config is checked, valid where the config uses it: a Redis URL for a
 * name given to a `redis_url` key, else an http URL (valid as a client's `base_url`, and ≥ 16 chars as a secret).
 */
function placeholder(name: string, index: number, merged: Record<string, unknown>): string {
  return usedAtKey(merged, name, 'redis_url') ? `redis://pym-deploy-placeholder-${index}:6379` : `http://pym-deploy-placeholder-${index}:8080`;
}

/** Whether the raw config holds `value` under a key named `key`, at any depth. */
function usedAtKey(node: unknown, value: string, key: string): boolean {
  if (node === null || typeof node !== 'object') return false;
  return Object.entries(node).some(([name, child]) => (name === key && child === value) || usedAtKey(child, value, key));
}

/** Keys whose literal value is a secret: their value must come from env_secrets in a deployment. */
const SECRET_KEYS: [string, string][] = [
  ['jwt_secret', 'jwt_secret'],
  ['async', 'seal_secret'],
];

/**
 * Read the service's config for a deployment: the file and the `env` overlay merged, validated as `pym start` would
 * (with every env secret standing in for its value: no value is read, so none can reach the output). Refuses a
 * secret written in the files (`jwt_secret`, `async.seal_secret`, a password in `async.redis_url`): the generated
 * config is not secret (a ConfigMap), so those must be env_secrets.
 *
 * @throws CliError naming the file, the key and the fix; ConfigError when the config is invalid.
 */
export function readDeploySettings(options: DeployOptions, cwd = process.cwd()): DeploySettings {
  const env = options.env ?? 'prod';
  const sources = readConfigSources({ configPath: options.config, cwd, env, environment: { PYM_CONFIG: process.env.PYM_CONFIG } });
  const names = envSecretNames(sources.merged);
  const stand = Object.fromEntries(names.map((name, index) => [name, placeholder(name, index, sources.merged)]));
  const config = loadConfig({ configPath: sources.file, env, environment: stand });
  const files = [sources.file, ...(sources.overlay ? [sources.overlayFile] : [])];
  const where = files.map((file) => path.basename(file)).join(' + ');

  const problems: string[] = [];
  for (const [section, key] of SECRET_KEYS) {
    const holder = section === key ? sources.merged : (sources.merged[section] as Record<string, unknown> | undefined);
    const value = holder?.[key];
    if (typeof value === 'string' && !names.includes(value)) {
      const label = section === key ? key : `${section}.${key}`;
      problems.push(`${label} is written in ${where}: list an environment variable in env_secrets and set ${label} to its name`);
    }
  }
  const rawRedisUrl = (sources.merged.async as Record<string, unknown> | undefined)?.redis_url;
  const redisUrlSecret = typeof rawRedisUrl === 'string' && names.includes(rawRedisUrl) ? rawRedisUrl : undefined;
  if (!redisUrlSecret && redisUrlPasswords(config.async.redis_url).length > 0) {
    problems.push(`async.redis_url holds a password in ${where}: make the URL an env secret`);
  }
  if (Object.values(stand).includes(config.name)) problems.push(`name comes from env_secrets in ${where}: write it in the file`);
  if (problems.length > 0) throw new CliError(`the config cannot be deployed as it is (${where})`, problems);

  const replicas = options.replicas ?? 2;
  const workers = options.workers ?? 2;
  const appDir = options.appDir ?? '/app';
  const resourceName = config.name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'service';
  return {
    name: resourceName,
    version: config.version,
    env,
    image: options.image ?? `${resourceName}:${config.version}`,
    replicas,
    workers,
    port: config.port,
    httpShutdownSeconds: Math.ceil(config.shutdown_timeout),
    taskShutdownSeconds: Math.ceil(config.async.shutdown_timeout),
    secretNames: names,
    redisUrlSecret,
    redisUrl: redisUrlSecret ? undefined : config.async.redis_url,
    deployedConfig: deployedConfig(sources.merged, config, appDir),
    sources: files,
    pymCommand: ['node', pymBinIn(config)],
  };
}

/** `bin/pym` when the service root has one (this repository's layout), else the framework package's. */
function pymBinIn(config: PymConfig): string {
  return fs.existsSync(path.join(config.root, 'bin', 'pym')) ? 'bin/pym' : 'node_modules/@pym/framework/bin/pym';
}

/**
 * The config the containers load, mounted at MOUNTED_CONFIG (outside the service root): the merged files with the
 * folders and client spec files made absolute inside the image, the version pinned (its package.json is not beside it there), the host
 * every interface, and env-secret names left as names.
 */
function deployedConfig(merged: Record<string, unknown>, config: PymConfig, appDir: string): Record<string, unknown> {
  const inImage = (relative: string) => path.posix.join(appDir, path.relative(config.root, path.resolve(config.root, relative)).split(path.sep).join('/'));
  const clients = Object.fromEntries(
    Object.entries((merged.clients ?? {}) as Record<string, Record<string, unknown>>).map(([name, client]) => [
      name,
      typeof client.spec === 'string' && !/^https?:\/\//.test(client.spec) ? { ...client, spec: inImage(client.spec) } : client,
    ]),
  );
  return {
    ...merged,
    version: config.version,
    host: '0.0.0.0',
    apis: inImage(config.apis),
    src: inImage(config.src),
    clients_dir: inImage(config.clients_dir),
    ...(merged.clients ? { clients } : {}),
  };
}

/** The text of the deployed config file: a header saying where it comes from, then the YAML. */
export function configFileText(settings: DeploySettings, deployed: Record<string, unknown> = settings.deployedConfig): string {
  const header = [
    `# Generated by pym deploy from ${settings.sources.map((file) => path.basename(file)).join(' + ')} (PYM_ENV=${settings.env}): regenerate it rather than edit it.`,
    '# Names listed in env_secrets stay names here: their values come from the environment of each container.',
  ];
  return `${header.join('\n')}\n${yaml.dump(deployed, { lineWidth: -1, noRefs: true })}`;
}
