// env_secrets: substitution anywhere in the config, secretValues, and the unset-variable error.
import path from 'node:path';
import { applyEnvSecrets, envSecretNames } from '../../src/config/env-secrets';
import { loadConfig } from '../../src/config/load-config';
import { configErrorOf, fixture, removeTempServices, tempService } from './config-test-helpers';

afterAll(removeTempServices);

const JWT = 'jwt-secret-from-the-environment-0123';
const REDIS = 'redis://:redis-pass-from-env@cache:6379';
const ENVIRONMENT = { PYM_TEST_JWT_SECRET: JWT, PYM_TEST_REDIS_URL: REDIS, PYM_TEST_AUDIENCE: 'users' };

describe('env_secrets', () => {
  it('replaces values naming a listed variable, nested ones included', () => {
    const config = loadConfig({ cwd: fixture('secrets'), environment: ENVIRONMENT });
    expect(config.jwt_secret).toBe(JWT);
    expect(config.jwt_audience).toBe('users');
    expect(config.async.redis_url).toBe(REDIS);
    expect(config.env_secrets).toEqual(['PYM_TEST_JWT_SECRET', 'PYM_TEST_REDIS_URL', 'PYM_TEST_AUDIENCE']);
  });

  it('lists every substituted value, jwt_secret and the Redis URL password in secretValues', () => {
    const config = loadConfig({ cwd: fixture('secrets'), environment: ENVIRONMENT });
    expect([...config.secretValues].sort()).toEqual([JWT, REDIS, 'users', 'redis-pass-from-env'].sort());
  });

  it('substitutes inside lists and deep objects, leaving the env_secrets list and unlisted names alone', () => {
    const raw = { env_secrets: ['A'], list: ['A', 'B', { deep: 'A' }], nested: { a: { b: 'A' } }, other: 'B' };
    const result = applyEnvSecrets(raw, envSecretNames(raw), { A: 'value-a', B: 'value-b' });
    expect(result.value).toEqual({
      env_secrets: ['A'],
      list: ['value-a', 'B', { deep: 'value-a' }],
      nested: { a: { b: 'value-a' } },
      other: 'B',
    });
    expect(result.secretValues).toEqual(['value-a']);
    expect(result.problems).toEqual([]);
    expect(raw.list[0]).toBe('A');
  });

  it('fails naming the file, the key path, the variable and the fix when a variable is unset', () => {
    const file = path.join(fixture('secrets'), 'pym-config.yaml');
    const err = configErrorOf(() =>
      loadConfig({ cwd: fixture('secrets'), environment: { PYM_TEST_JWT_SECRET: JWT, PYM_TEST_AUDIENCE: 'users' } }),
    );
    expect(err.file).toBe(file);
    expect(err.problems).toEqual([
      {
        key: 'async.redis_url',
        message: 'environment variable PYM_TEST_REDIS_URL (listed in env_secrets) is not set; fix: export PYM_TEST_REDIS_URL=…',
      },
    ]);
    expect(err.message).toBe(`${file}: ${err.problems[0].key}: ${err.problems[0].message}`);
  });

  it('treats an empty variable as missing and reports each place a variable is used', () => {
    const dir = tempService({
      'pym-config.yaml': 'name: a\nenv_secrets: [SECRET]\njwt_secret: SECRET\nasync:\n  redis_url: SECRET\n',
    });
    const err = configErrorOf(() => loadConfig({ cwd: dir, environment: { SECRET: '' } }));
    expect(err.problems.map((p) => p.key)).toEqual(['jwt_secret', 'async.redis_url']);
    expect(err.problems[0].message).toContain('SECRET (listed in env_secrets) is empty; fix: export SECRET=…');
  });

  it('does not add a schema error on top of the missing-variable error', () => {
    // "SECRET" is 6 characters: without the filter, jwt_secret would also be "too short".
    const dir = tempService({ 'pym-config.yaml': 'name: a\nenv_secrets: [SECRET]\njwt_secret: SECRET\n' });
    const err = configErrorOf(() => loadConfig({ cwd: dir, environment: {} }));
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0].message).toContain('is not set');
  });

  it('uses secret names listed in an env overlay', () => {
    const dir = tempService({
      'pym-config.yaml': 'name: a\njwt_issuer: plain\n',
      'pym-config.prod.yaml': 'env_secrets: [ISSUER]\njwt_issuer: ISSUER\n',
    });
    const config = loadConfig({ cwd: dir, env: 'prod', environment: { ISSUER: 'issuer-from-env' } });
    expect(config.jwt_issuer).toBe('issuer-from-env');
    expect(config.secretValues).toEqual(['issuer-from-env']);
  });

  it('never puts a secret value in an error message', () => {
    const tooShort = 'short-pw';
    const dir = tempService({
      'pym-config.yaml': 'name: a\nenv_secrets: [JWT, URL]\njwt_secret: JWT\nlive_url: URL\nport: URL\n',
    });
    const err = configErrorOf(() => loadConfig({ cwd: dir, environment: { JWT: tooShort, URL: 'not a url at all' } }));
    expect(err.problems.map((p) => p.key).sort()).toEqual(['jwt_secret', 'live_url', 'port']);
    expect(err.message).not.toContain(tooShort);
    expect(err.message).not.toContain('not a url');
    expect(JSON.stringify(err.problems)).not.toContain(tooShort);
  });
});
