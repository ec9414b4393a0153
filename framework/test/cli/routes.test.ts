// `pym routes`, run as a user runs it: every operation with method, full path, handler and auth.
import { expectCleanFailure, fixtureConfig, pym, type PymResult } from './cli-test-helpers';

/** The output's rows split into columns (runs of 2+ spaces separate them). */
function rows(result: PymResult): string[][] {
  return result.stdout
    .trimEnd()
    .split('\n')
    .map((line) => line.split(/ {2,}/));
}

describe('pym routes', () => {
  let notes: PymResult;
  let elsewhere: PymResult;
  let broken: PymResult;
  let unbound: PymResult;
  beforeAll(async () => {
    [notes, elsewhere, broken, unbound] = await Promise.all([
      pym('notes', ['routes']),
      // From another folder, the service picked with --config.
      pym('swagger2', ['routes', '--config', fixtureConfig('notes')]),
      pym('swagger2', ['routes']),
      pym('bad-export', ['routes']),
    ]);
  }, 90_000); // several processes on a shared 2-core machine

  test('lists every operation of every spec and the built-ins, with full path, handler module#export and auth', () => {
    expect(notes.code).toBe(0);
    expect(notes.stderr).toBe('');
    expect(rows(notes)).toEqual([
      ['METHOD', 'PATH', 'HANDLER', 'AUTH'],
      ['GET', '/admin/whoami', 'handlers/admin#whoami', 'jwt (required)'],
      ['GET', '/v1/notes', 'handlers/notes#listNotes', 'public'],
      ['POST', '/v1/notes', 'handlers/notes#createNote', 'jwt (required)'],
      ['GET', '/v1/notes/{id}', 'handlers/notes#getNote', 'jwt (optional)'],
      ['GET', '/ping', 'pym:pymPing', 'public'],
      ['GET', '/version', 'pym:pymVersion', 'public'],
      ['GET', '/ready', 'pym:pymReady', 'public'],
      ['GET', '/auth/version', 'pym:pymAuthVersion', 'jwt (required)'],
      ['GET', '/tasks', 'pym:pymListTasks', 'jwt (required)'],
      ['GET', '/tasks/{id}', 'pym:pymGetTask', 'jwt (required)'],
      ['DELETE', '/tasks/{id}', 'pym:pymCancelTask', 'jwt (required)'],
    ]);
  });

  test('columns are aligned: each column starts at the same offset on every line', () => {
    const lines = notes.stdout.trimEnd().split('\n');
    const header = lines[0];
    for (const title of ['PATH', 'HANDLER', 'AUTH']) {
      const offset = header.indexOf(title);
      for (const line of lines.slice(1)) expect(line.slice(offset - 2, offset + 1)).toMatch(/^ {2}\S$/);
    }
  });

  test('--config picks the service from any folder', () => {
    expect(elsewhere.code).toBe(0);
    expect(elsewhere.stdout).toBe(notes.stdout);
  });

  test('an unloadable spec fails with one line naming the file', () => {
    const line = expectCleanFailure(broken, 'pym routes: ');
    expect(line).toContain('apis/legacy.yaml');
    expect(line).toContain('Swagger 2.0');
  });

  test('an operation whose handler cannot be bound: the list, then exit 1 naming the spec file, operation and export', () => {
    expect(unbound.code).toBe(1);
    expect(rows(unbound)[1]).toEqual(['GET', '/v1/notes', 'handlers/notes#listNote', 'public']);
    expect(unbound.stderr).toBe(
      'pym routes: apis/notes.yaml: GET /v1/notes → handlers/notes#listNote: export "listNote" not found (exports: listNotes; did you mean listNotes?)\n',
    );
  });
});
