// `pym token`: a JWT signed with the service's config, accepted by the running service; bad options fail cleanly.
import { startPym, type PymProcess } from '../helpers/spawn-pym';
import { CLEAN_ENV, decodeClaims, expectCleanFailure, fixture, pym, stderrLines, type PymResult } from './cli-test-helpers';

describe('pym token', () => {
  let server: PymProcess;
  let alice: PymResult;
  let byDefault: PymResult;
  let notJson: PymResult;
  let negative: PymResult;
  let reserved: PymResult;
  let noSecret: PymResult;
  beforeAll(async () => {
    [server, alice, byDefault, notJson, negative, reserved, noSecret] = await Promise.all([
      startPym({ cwd: fixture('notes'), env: { ...CLEAN_ENV, PYM_ENV: 'dev' } }),
      pym('notes', ['token', '--user', 'alice', '--data', '{"role":"admin"}', '--expires', '60']),
      pym('notes', ['token']),
      pym('notes', ['token', '--data', 'notjson']),
      pym('notes', ['token', '--expires', '-5']),
      pym('notes', ['token', '--data', '{"sub":"mallory"}']),
      pym('bad-export', ['token', '--user', 'alice']),
    ]);
  }, 90_000); // seven processes on a shared 2-core machine
  afterAll(async () => {
    await server?.stop();
  });

  const bearer = (result: PymResult) => ({ authorization: `Bearer ${result.stdout.trim()}` });

  test('prints one JWT whose claims carry the user, the data, iss/aud from the config and the lifetime', () => {
    expect(alice).toMatchObject({ code: 0, stderr: '' });
    expect(alice.stdout).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+\n$/);
    const claims = decodeClaims(alice.stdout.trim());
    expect(claims).toMatchObject({ sub: 'alice', role: 'admin', iss: 'cli-notes.test', aud: 'cli-notes-users' });
    expect((claims.exp as number) - (claims.iat as number)).toBe(60);
    expect(Math.abs((claims.iat as number) - Date.now() / 1000)).toBeLessThan(120);
  });

  test('without --user, the token is for default_user_id and lives jwt_token_timeout', () => {
    expect(byDefault.code).toBe(0);
    const claims = decodeClaims(byDefault.stdout.trim());
    expect(claims.sub).toBe('cli-notes-service');
    expect((claims.exp as number) - (claims.iat as number)).toBe(86400);
  });

  test('the running service accepts it on /auth/version', async () => {
    const response = await fetch(`${server.url}/auth/version`, { headers: bearer(alice) });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ name: 'cli-notes', pym_env: 'dev' });
  });

  test("a handler behind JWT sees the token's user and claims", async () => {
    const response = await fetch(`${server.url}/admin/whoami`, { headers: bearer(alice) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ user: 'alice', role: 'admin' });
  });

  test('the same route without a token is refused (the acceptance above is not a route left open)', async () => {
    const response = await fetch(`${server.url}/auth/version`);
    expect(response.status).toBe(401);
  });

  test('--data notjson: exit 1 with one line (then the --help hint, indented)', () => {
    const line = expectCleanFailure(notJson, "pym token: option '--data <json>' argument 'notjson' is invalid");
    expect(line).toContain('must be a JSON object');
    expect(stderrLines(notJson)).toEqual([line, '  (run "pym token --help" for usage)']);
  });

  test('--expires -5: exit 1 with one line', () => {
    expect(expectCleanFailure(negative, "pym token: option '--expires <seconds>' argument '-5' is invalid")).toContain(
      'must be a positive whole number',
    );
  });

  test('--data setting a reserved claim: exit 1 with one line naming it', () => {
    expect(expectCleanFailure(reserved, 'pym token: ')).toContain('reserved claim(s) sub');
    expect(stderrLines(reserved)).toHaveLength(1);
  });

  test('a service without jwt_secret: exit 1, naming the config file and the key', () => {
    const line = expectCleanFailure(noSecret, 'pym token: ');
    expect(line).toContain(`${fixture('bad-export')}/pym-config.yaml: jwt_secret is missing`);
    expect(stderrLines(noSecret)).toHaveLength(1);
  });
});
