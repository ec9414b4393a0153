// `pym check`, run as a CI job runs it: exit 0 on a sound service, exit 1 listing every problem (file and place)
// of every step that can run, without serving anything.
import path from 'node:path';
import { runPym } from '../helpers/spawn-pym';
import { CLEAN_ENV, expectCleanFailure, fixtureConfig, pym, stderrLines, type PymResult } from './cli-test-helpers';

const REPO_ROOT = path.resolve(__dirname, '../../..');

describe('pym check', () => {
  let notes: PymResult;
  let example: PymResult;
  let broken: PymResult;
  let invalidSpec: PymResult;
  let unknownKey: PymResult;
  let badIssuers: PymResult;
  beforeAll(async () => {
    [notes, example, broken, invalidSpec, unknownKey, badIssuers] = await Promise.all([
      pym('notes', ['check']),
      runPym(['check'], { cwd: REPO_ROOT, env: CLEAN_ENV }),
      pym('check-broken', ['check']),
      pym('check-invalid-spec', ['check']),
      pym('unknown-key', ['check']),
      pym('bad-jwt-issuers', ['check']),
    ]);
  }, 120_000); // several processes on a shared 2-core machine

  test('a sound service: exit 0 and one line saying what was checked', () => {
    expect(notes).toMatchObject({ code: 0, stderr: '' });
    expect(notes.stdout).toBe('cli-notes: ok (2 APIs, 11 operations, 0 tasks, 0 schedules; env dev)\n');
  });

  test("the repository's example service passes", () => {
    expect(example).toMatchObject({ code: 0, stderr: '' });
    expect(example.stdout).toMatch(/^library: ok \(5 APIs, \d+ operations, \d+ tasks, \d+ schedules; env dev\)\n$/);
  });

  test('a broken x-bind-server, a broken x-parent and a broken schedule: all three, each naming its file and place', () => {
    const first = expectCleanFailure(broken, 'pym check: 3 problems in the service of ');
    expect(first).toContain(fixtureConfig('check-broken'));
    expect(stderrLines(broken).slice(1)).toEqual([
      '  apis/shelf.yaml: GET /shelves/{id} → handlers/shelf#getShelf: export "getShelf" not found (exports: getShelves)',
      expect.stringMatching(/^ {2}Shelf \(.*check-broken\/apis\/shelf\.yaml\): x-parent "models\/shelf-base#ShelfBase": module not found: /),
      `  ${fixtureConfig('check-broken')}: schedules.nightly.task: no task is named "Cleanup.nightli"; did you mean "Cleanup.nightly"?`,
    ]);
  });

  test('a spec that breaks the OpenAPI rules: one line per problem, file#JSON pointer', () => {
    expectCleanFailure(invalidSpec, 'pym check: 2 problems in the service of ');
    expect(stderrLines(invalidSpec).slice(1)).toEqual([
      "  apis/notes.yaml#/paths/~1notes~1{id}/get/parameters/0: must have required property 'required'",
      "  apis/notes.yaml#/paths/~1notes~1{id}/get/responses/200: must have required property 'description'",
    ]);
  });

  test('an unknown config key: the file, the key and a did-you-mean', () => {
    expect(expectCleanFailure(unknownKey, 'pym check: ')).toBe(`pym check: ${fixtureConfig('unknown-key')}: jwt_secrte: unknown key; did you mean "jwt_secret"?`);
  });

  test('a bad jwt_issuers entry: the file, each key and its fix', () => {
    expectCleanFailure(badIssuers, `pym check: ${fixtureConfig('bad-jwt-issuers')}: 2 problems`);
    expect(stderrLines(badIssuers).slice(1)).toEqual([
      expect.stringMatching(/^ {2}- jwt_issuers\[0\]\.jwks_uri: must be https \(plain http only to localhost, 127\.0\.0\.1, \[::1\]\)/),
      expect.stringMatching(/^ {2}- jwt_issuers\[0\]\.algorithms\[1\]: HS256 is an HMAC algorithm: .*jwt_secret and jwt_algorithms$/),
    ]);
  });
});
