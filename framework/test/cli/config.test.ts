// `pym config [KEY]`: the resolved config or one key, secrets masked unless --show-secrets.
import yaml from 'js-yaml';
import { expectCleanFailure, fixtureConfig, pym, stderrLines, type PymResult } from './cli-test-helpers';

const SECRET = 'cli-fixture-secret-0123456789';
const ENV_SECRET = 'secret-from-the-environment-42';

describe('pym config', () => {
  let whole: PymResult;
  let secretKey: PymResult;
  let revealed: PymResult;
  let port: PymResult;
  let nested: PymResult;
  let overlay: PymResult;
  let unknown: PymResult;
  let fromEnv: PymResult;
  beforeAll(async () => {
    [whole, secretKey, revealed, port, nested, overlay, unknown, fromEnv] = await Promise.all([
      pym('notes', ['config']),
      pym('notes', ['config', 'jwt_secret']),
      pym('notes', ['config', 'jwt_secret', '--show-secrets']),
      pym('notes', ['config', 'port']),
      pym('notes', ['config', 'async.prefix']),
      pym('notes', ['config', 'version', '--env', 'test']),
      pym('notes', ['config', 'jwt_secrets']),
      pym('unset-secret', ['config'], { PYM_CLI_FIXTURE_JWT_SECRET: ENV_SECRET }),
    ]);
  }, 90_000); // eight processes on a shared 2-core machine

  test('prints the resolved config as YAML, defaults included, jwt_secret masked and absent from the output', () => {
    expect(whole).toMatchObject({ code: 0, stderr: '' });
    const printed = yaml.load(whole.stdout) as Record<string, unknown>;
    expect(printed).toMatchObject({
      name: 'cli-notes',
      port: 8080,
      jwt_secret: '********',
      jwt_issuer: 'cli-notes.test',
      jwt_token_timeout: 86400,
      env: 'dev',
      file: fixtureConfig('notes'),
      async: { prefix: 'cli-notes-queue', redis_url: 'redis://127.0.0.1:6379' },
    });
    expect(whole.stdout).not.toContain(SECRET);
    expect(printed).not.toHaveProperty('secretValues'); // internal: the values to mask in logs
  });

  test('async.seal_secret is masked like jwt_secret', () => {
    expect((yaml.load(whole.stdout) as { async: { seal_secret: string } }).async.seal_secret).toBe('********');
    expect(whole.stdout).not.toContain('cli-fixture-seal-secret-4f1e9a7c');
  });

  test('one key: jwt_secret prints the mask', () => {
    expect(secretKey).toMatchObject({ code: 0, stdout: '********\n', stderr: '' });
  });

  test('--show-secrets reveals it', () => {
    expect(revealed).toMatchObject({ code: 0, stdout: `${SECRET}\n` });
  });

  test('a scalar key prints its bare value', () => {
    expect(port).toMatchObject({ code: 0, stdout: '8080\n' });
  });

  test('a dotted key reaches a nested value', () => {
    expect(nested).toMatchObject({ code: 0, stdout: 'cli-notes-queue\n' });
  });

  test('--env test reads the pym-config.test.yaml overlay', () => {
    expect(overlay).toMatchObject({ code: 0, stdout: '2.0.0-test\n' });
  });

  test('an unknown key: exit 1 with one line naming the key and the file', () => {
    const line = expectCleanFailure(unknown, 'pym config: ');
    expect(line).toBe(`pym config: no key "jwt_secrets" in the config of ${fixtureConfig('notes')}`);
    expect(stderrLines(unknown)).toHaveLength(1);
  });

  test('a secret taken from the environment (env_secrets) is masked too', () => {
    expect(fromEnv).toMatchObject({ code: 0, stderr: '' });
    expect((yaml.load(fromEnv.stdout) as { jwt_secret: string }).jwt_secret).toBe('********');
    expect(fromEnv.stdout).not.toContain(ENV_SECRET);
  });
});
