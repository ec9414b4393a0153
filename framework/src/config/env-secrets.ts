// env_secrets: replace config values that name a listed environment variable by that variable's value.
import { isPlainObject } from './deep-merge';
import type { PathProblem, PathSegment } from './key-path';

/** What `applyEnvSecrets` produced. */
export interface EnvSecretsResult {
  /** A copy of the raw config with every secret reference substituted. */
  value: Record<string, unknown>;
  /** The values that were substituted (no duplicates), to be masked and redacted. */
  secretValues: string[];
  /** One problem per use of a listed variable that is unset or empty. */
  problems: PathProblem[];
}

/**
 * The names listed under `env_secrets` in a raw (not yet validated) config: its string entries.
 * Anything malformed is left for schema validation to report.
 */
export function envSecretNames(raw: Record<string, unknown>): string[] {
  const list = raw.env_secrets;
  return Array.isArray(list) ? list.filter((n): n is string => typeof n === 'string' && n.length > 0) : [];
}

/**
 * Replace every string value, at any depth, that equals a name in `names` by `environment[name]`.
 * The `env_secrets` list itself is left alone. A listed variable that is unset or empty is reported at each
 * key path that uses it; the value stays as the variable's name there.
 *
 * @example
 * applyEnvSecrets({ env_secrets: ['JWT_SECRET'], jwt_secret: 'JWT_SECRET' }, ['JWT_SECRET'], { JWT_SECRET: 's3cr3t…' })
 * // → { value: { …, jwt_secret: 's3cr3t…' }, secretValues: ['s3cr3t…'], problems: [] }
 */
export function applyEnvSecrets(
  raw: Record<string, unknown>,
  names: readonly string[],
  environment: NodeJS.ProcessEnv,
): EnvSecretsResult {
  const listed = new Set(names);
  const secretValues = new Set<string>();
  const problems: PathProblem[] = [];

  const walk = (value: unknown, path: PathSegment[]): unknown => {
    if (typeof value === 'string' && listed.has(value)) {
      const resolved = environment[value];
      if (resolved) {
        secretValues.add(resolved);
        return resolved;
      }
      const state = resolved === undefined ? 'is not set' : 'is empty';
      problems.push({ path, message: `environment variable ${value} (listed in env_secrets) ${state}; fix: export ${value}=…` });
      return value;
    }
    if (Array.isArray(value)) return value.map((item, i) => walk(item, [...path, i]));
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) {
        const next = path.length === 0 && key === 'env_secrets' ? item : walk(item, [...path, key]);
        Object.defineProperty(out, key, { value: next, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return value;
  };

  const value = walk(raw, []) as Record<string, unknown>;
  return { value, secretValues: [...secretValues], problems };
}
