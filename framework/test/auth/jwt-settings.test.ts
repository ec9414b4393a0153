// Tests of jwtSettingsFrom: config keys mapped to JwtSettings, defaults, and the missing-secret error.
import { jwtSettingsFrom } from '../../src/auth/jwt-settings';
import { configFileSchema } from '../../src/config/config-schema';
import { AUTH_CONFIG_FILE, authConfig } from './config-fixture';
import { thrownBy } from './jwt-test-helpers';

describe('jwtSettingsFrom', () => {
  test('maps every jwt_* key of the config', () => {
    expect(jwtSettingsFrom(authConfig())).toEqual({
      secret: 'auth-test-secret-of-32-characters',
      issuer: 'auth-test',
      audience: 'auth-test-clients',
      algorithms: ['HS384', 'HS256'],
      leewaySeconds: 30,
      tokenTimeoutSeconds: 7200,
    });
  });

  test('applies the schema defaults when only jwt_secret is set', () => {
    const file = configFileSchema.parse({ name: 'svc', jwt_secret: 'sixteen-chars-at-least' });
    const settings = jwtSettingsFrom({ ...file, file: '/srv/pym-config.yaml' });
    expect(settings).toEqual({
      secret: 'sixteen-chars-at-least',
      issuer: undefined,
      audience: undefined,
      algorithms: ['HS256'],
      leewaySeconds: 300,
      tokenTimeoutSeconds: 86400,
    });
  });

  test('returns frozen settings', () => {
    const settings = jwtSettingsFrom(authConfig());
    expect(Object.isFrozen(settings)).toBe(true);
    expect(Object.isFrozen(settings.algorithms)).toBe(true);
  });

  test('names jwt_secret and the config file when the secret is missing', () => {
    const error = thrownBy(() => jwtSettingsFrom(authConfig({ jwt_secret: undefined })));
    expect(error.message).toContain('jwt_secret');
    expect(error.message).toContain(AUTH_CONFIG_FILE);
  });
});
