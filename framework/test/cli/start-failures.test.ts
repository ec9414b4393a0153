// `pym start` failing at startup: exit 1, one clear `pym start:` line naming what to fix, no stack trace.
import { expectCleanFailure, fixtureConfig, pym, stderrLines, type PymResult } from './cli-test-helpers';

const FIXTURES = ['bad-export', 'missing-module', 'unknown-key', 'unset-secret', 'invalid-port', 'swagger2', 'no-jwt-secret'] as const;

describe('pym start fails at startup, before listening', () => {
  const results = new Map<string, PymResult>();
  beforeAll(async () => {
    // All at once: each run ends by itself (nothing listens when startup fails).
    const runs = await Promise.all(FIXTURES.map((name) => pym(name, ['start', '--port', '0'])));
    FIXTURES.forEach((name, index) => results.set(name, runs[index]!));
  }, 90_000); // several processes on a shared 2-core machine
  const result = (name: (typeof FIXTURES)[number]): PymResult => results.get(name)!;

  test('a spec binding an export the module lacks names the route, the module, the export and a did-you-mean', () => {
    const line = expectCleanFailure(result('bad-export'), 'pym start: ');
    expect(stderrLines(result('bad-export'))).toHaveLength(1);
    expect(line).toContain('GET /v1/notes');
    expect(line).toContain('handlers/notes#listNote');
    expect(line).toContain('export "listNote" not found');
    expect(line).toContain('did you mean listNotes?');
  });

  test('a missing handler module: a summary line, then each unbound route indented with module and export', () => {
    const run = result('missing-module');
    expect(expectCleanFailure(run, 'pym start: ')).toBe('pym start: 2 operations cannot be bound to their handlers');
    const details = stderrLines(run).slice(1);
    expect(details).toHaveLength(2);
    expect(details[0]).toMatch(/^ {2}apis\/notes\.yaml: GET \/v1\/notes → handlers\/gone#listNotes: module not found \(looked for src\/handlers\/gone\.ts/);
    expect(details[1]).toMatch(/^ {2}apis\/notes\.yaml: DELETE \/v1\/notes\/\{id\} → handlers\/gone#deleteNote: module not found/);
  });

  test('operations that require a JWT without a jwt_secret: refused (never served unauthenticated), naming the file and key', () => {
    const line = expectCleanFailure(result('no-jwt-secret'), 'pym start: ');
    expect(line).toBe(
      `pym start: ${fixtureConfig('no-jwt-secret')}: jwt_secret is missing; it is required to sign and verify JWTs ` +
        "(at least 16 characters; list its environment variable in env_secrets to keep it out of the file), unless the service accepts only identity providers' tokens (jwt_issuers)",
    );
  });

  test('an unknown config key names the file, the key and a did-you-mean', () => {
    const line = expectCleanFailure(result('unknown-key'), 'pym start: ');
    expect(line).toBe(`pym start: ${fixtureConfig('unknown-key')}: jwt_secrte: unknown key; did you mean "jwt_secret"?`);
  });

  test('an env_secrets variable that is unset names the file, the key and the variable', () => {
    const line = expectCleanFailure(result('unset-secret'), 'pym start: ');
    expect(line).toContain(fixtureConfig('unset-secret'));
    expect(line).toContain('jwt_secret: environment variable PYM_CLI_FIXTURE_JWT_SECRET (listed in env_secrets) is not set');
  });

  test('an invalid value names the file and the key', () => {
    const line = expectCleanFailure(result('invalid-port'), 'pym start: ');
    expect(line).toBe(`pym start: ${fixtureConfig('invalid-port')}: port: expected a number, got a string`);
  });

  test('a Swagger 2.0 spec names the file and says OpenAPI 3.0 or 3.1 is needed', () => {
    const line = expectCleanFailure(result('swagger2'), 'pym start: ');
    expect(line).toContain('apis/legacy.yaml: is a Swagger 2.0 spec; pym needs OpenAPI 3.0 or 3.1');
  });

  test('none of them logged a listening line', () => {
    for (const run of results.values()) expect(run.stdout).not.toContain('listening on');
  });
});
