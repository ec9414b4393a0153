// The auth tests' config: the real loader on framework/test/fixtures/auth/pym-config.yaml.
import path from 'node:path';
import type { PymConfig } from '../../src/config/config-schema';
import { loadConfig } from '../../src/config/load-config';

export const AUTH_CONFIG_FILE = path.join(__dirname, '..', 'fixtures', 'auth', 'pym-config.yaml');

/** The fixture config, optionally with some keys replaced (e.g. `{ jwt_secret: undefined }`). */
export function authConfig(overrides: Partial<PymConfig> = {}): PymConfig {
  return { ...loadConfig({ configPath: AUTH_CONFIG_FILE, environment: {} }), ...overrides };
}
