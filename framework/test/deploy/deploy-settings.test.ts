// What pym deploy reads of a service: the config as the deployment's environment loads it, validated, with secret
// names kept; a secret written in the files is refused (the generated config is not secret), naming key and fix.
import { CliError } from '../../src/cli/cli-error';
import { readDeploySettings } from '../../src/deploy/deploy-settings';
import { deployService, ORDERS_SERVICE, removeServices } from './deploy-harness';

afterAll(removeServices);

function refusal(files: Record<string, string>): CliError {
  try {
    readDeploySettings({}, deployService(files));
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error('the config was accepted');
}

test('reads the timeouts, port and env_secrets of the prod overlay without any of their values set', () => {
  const settings = readDeploySettings({}, deployService(ORDERS_SERVICE));
  expect(settings).toMatchObject({
    name: 'orders-service',
    env: 'prod',
    image: 'orders-service:0.0.0',
    port: 9090,
    httpShutdownSeconds: 12,
    taskShutdownSeconds: 40,
    secretNames: ['ORDERS_JWT_SECRET', 'ORDERS_REDIS_URL', 'ORDERS_SEAL_SECRET'],
    redisUrlSecret: 'ORDERS_REDIS_URL',
  });
});

test('refuses a secret written in the files, for each kind, naming the key, the files and the fix', () => {
  const error = refusal({
    'pym-config.yaml': 'name: a\njwt_secret: literal-jwt-secret-0123456\nasync:\n  redis_url: "redis://:pw-in-file@cache:6379"\n  seal_secret: literal-seal-secret-01234\n',
  });
  expect(error.message).toBe('the config cannot be deployed as it is (pym-config.yaml)');
  expect(error.details).toEqual([
    'jwt_secret is written in pym-config.yaml: list an environment variable in env_secrets and set jwt_secret to its name',
    'async.seal_secret is written in pym-config.yaml: list an environment variable in env_secrets and set async.seal_secret to its name',
    'async.redis_url holds a password in pym-config.yaml: make the URL an env secret',
  ]);
  expect(JSON.stringify(error)).not.toContain('pw-in-file');
});

test('an invalid config fails as pym start would (ConfigError naming the file and key)', () => {
  expect(() => readDeploySettings({}, deployService({ 'pym-config.yaml': 'name: a\nport: eighty\n' }))).toThrow(/port/);
});
