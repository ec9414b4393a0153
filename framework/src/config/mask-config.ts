// maskConfig: a printable copy of the config with every secret replaced (for `pym config`).
import type { PymConfig } from './config-schema';

/** What replaces a secret in a masked config. */
export const MASK = '********';

/** Options of `maskConfig`. */
export interface MaskConfigOptions {
  /** Leave secrets in clear (`pym config --show-secrets`). @defaultValue false */
  showSecrets?: boolean;
}

/** Secrets shorter than this are masked only where they are a whole value, never inside a longer string. */
const MIN_EMBEDDED_SECRET = 8;

/**
 * A plain, JSON-able, mutable copy of `config`. Unless `showSecrets`, every value that came from
 * env_secrets, `jwt_secret`, and the password in `async.redis_url` are replaced by `********`.
 *
 * @example
 * console.log(JSON.stringify(maskConfig(getConfig()), null, 2));
 */
export function maskConfig(config: PymConfig, options: MaskConfigOptions = {}): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(config)) as Record<string, unknown>;
  if (options.showSecrets) return copy;
  const secrets = new Set(config.secretValues);
  if (config.jwt_secret) secrets.add(config.jwt_secret);
  const masked = maskValue(copy, [...secrets]) as Record<string, unknown>;
  if (masked.jwt_secret !== undefined) masked.jwt_secret = MASK;
  const section = masked.async as { redis_url?: unknown } | undefined;
  if (section && typeof section.redis_url === 'string') section.redis_url = maskUrlPassword(section.redis_url);
  return masked;
}

/**
 * `redis://user:pass@host:6379` → `redis://user:********@host:6379`, and the same for a `password` or
 * `sentinel_password` query parameter (`redis+sentinel://` and `redis+cluster://` URLs too); URLs without a
 * password unchanged.
 */
export function maskUrlPassword(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)[^@/]+@/i, `$1${MASK}@`)
    .replace(/([?&](?:sentinel_)?password=)[^&#]*/gi, `$1${MASK}`);
}

function maskValue(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') {
    if (secrets.includes(value)) return MASK;
    return secrets.filter((s) => s.length >= MIN_EMBEDDED_SECRET).reduce((v, s) => v.split(s).join(MASK), value);
  }
  if (Array.isArray(value)) return value.map((item) => maskValue(item, secrets));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = maskValue(item, secrets);
    return out;
  }
  return value;
}
