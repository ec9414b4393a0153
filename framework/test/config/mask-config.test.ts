// maskConfig and getConfigValue: what `pym config` prints.
import { getConfigValue } from '../../src/config/get-config-value';
import { loadConfig } from '../../src/config/load-config';
import { MASK, maskConfig, maskUrlPassword } from '../../src/config/mask-config';
import { fixture } from './config-test-helpers';

const JWT = 'jwt-secret-from-the-environment-0123';
const ENVIRONMENT = {
  PYM_TEST_JWT_SECRET: JWT,
  PYM_TEST_REDIS_URL: 'redis://default:redis-pass@cache:6379/0',
  PYM_TEST_AUDIENCE: 'audience-from-env',
};

describe('maskConfig', () => {
  const config = loadConfig({ cwd: fixture('secrets'), environment: ENVIRONMENT });

  it('replaces every secret value by ********', () => {
    const masked = maskConfig(config);
    expect(masked.jwt_secret).toBe(MASK);
    expect(masked.jwt_audience).toBe(MASK);
    expect((masked.async as { redis_url: string }).redis_url).toBe(MASK);
    expect(masked.secretValues).toEqual(config.secretValues.map(() => MASK));
    const text = JSON.stringify(masked);
    for (const secret of Object.values(ENVIRONMENT)) expect(text).not.toContain(secret);
  });

  it('returns a plain, JSON-able, mutable copy with the non-secret values', () => {
    const masked = maskConfig(config);
    expect(masked.name).toBe('secrets');
    expect(masked.file).toBe(config.file);
    expect(JSON.parse(JSON.stringify(masked))).toEqual(masked);
    masked.name = 'changed';
    expect(config.name).toBe('secrets');
  });

  it('masks a jwt_secret written in the file and the password of a literal redis_url', () => {
    const full = loadConfig({ cwd: fixture('full'), environment: {} });
    expect(maskConfig(full).jwt_secret).toBe(MASK);
    const masked = maskConfig({ ...full, async: { ...full.async, redis_url: 'redis://user:pw123@host:6379' } });
    expect((masked.async as { redis_url: string }).redis_url).toBe(`redis://user:${MASK}@host:6379`);
  });

  it('shows secrets when asked', () => {
    const shown = maskConfig(config, { showSecrets: true });
    expect(shown.jwt_secret).toBe(JWT);
    expect((shown.async as { redis_url: string }).redis_url).toBe(ENVIRONMENT.PYM_TEST_REDIS_URL);
  });
});

describe('maskUrlPassword', () => {
  it('masks only the password part of a URL', () => {
    expect(maskUrlPassword('redis://:pw@h:1')).toBe(`redis://:${MASK}@h:1`);
    expect(maskUrlPassword('rediss://u:p@h')).toBe(`rediss://u:${MASK}@h`);
    expect(maskUrlPassword('redis://u@h:1')).toBe('redis://u@h:1');
    expect(maskUrlPassword('redis://h:6379/0')).toBe('redis://h:6379/0');
  });

  it('masks the passwords of Sentinel and Cluster URLs: the user info, password and sentinel_password', () => {
    expect(maskUrlPassword('redis+sentinel://app:node-pw@s1:26379,s2:26379/mymaster?sentinel_password=sent-pw&db=1')).toBe(
      `redis+sentinel://app:${MASK}@s1:26379,s2:26379/mymaster?sentinel_password=${MASK}&db=1`,
    );
    expect(maskUrlPassword('rediss+cluster://:cl-pw@n1:7000,n2:7001?password=cl-pw')).toBe(`rediss+cluster://:${MASK}@n1:7000,n2:7001?password=${MASK}`);
  });

  it('masks a password given as a query parameter (ioredis reads it there too)', () => {
    expect(maskUrlPassword('redis://h:6379/0?password=qp-secret&db=2')).toBe(`redis://h:6379/0?password=${MASK}&db=2`);
    expect(maskUrlPassword('redis://u:pw@h:1/?family=6&password=x')).toBe(`redis://u:${MASK}@h:1/?family=6&password=${MASK}`);
  });
});

describe('getConfigValue', () => {
  const config = loadConfig({ cwd: fixture('full'), environment: {} });

  it('reads top-level and dotted nested keys', () => {
    expect(getConfigValue(config, 'port')).toBe(9090);
    expect(getConfigValue(config, 'async.prefix')).toBe('full');
    expect(getConfigValue(config, 'async')).toMatchObject({ redis_url: 'redis://cache:6380', prefix: 'full' });
    expect(getConfigValue(config, 'jwt_algorithms.0')).toBe('HS512');
  });

  it('returns undefined for unknown keys and inherited properties', () => {
    expect(getConfigValue(config, 'nope')).toBeUndefined();
    expect(getConfigValue(config, 'async.nope.deeper')).toBeUndefined();
    expect(getConfigValue(config, 'port.toString')).toBeUndefined();
    expect(getConfigValue(config, 'constructor')).toBeUndefined();
    expect(getConfigValue(config, '')).toBeUndefined();
  });
});
