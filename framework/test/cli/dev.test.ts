// `pym dev`, run as a developer runs it: it serves, restarts on a change of a handler or a spec (regenerating the
// models), survives a change that breaks startup with pym start's own error, and stops everything on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { PYM_BIN } from '../helpers/spawn-pym';
import { CLEAN_ENV, fixture } from './cli-test-helpers';

jest.setTimeout(180_000); // several restarts of a TypeScript service on a shared 2-core machine

const FRAMEWORK_DIR = path.resolve(__dirname, '../..');

/** A spawned process whose stdout and stderr lines, together, can be awaited in order. */
function follow(child: ChildProcess) {
  const lines: string[] = [];
  let waiter: { predicate: (line: string) => boolean; from: number; resolve: (line: string) => void } | undefined;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const onLine = (line: string) => {
    lines.push(line);
    if (waiter && lines.length - 1 >= waiter.from && waiter.predicate(line)) {
      const { resolve } = waiter;
      waiter = undefined;
      resolve(line);
    }
  };
  readline.createInterface({ input: child.stdout! }).on('line', onLine);
  readline.createInterface({ input: child.stderr! }).on('line', onLine);
  /** The next line matching `predicate` after the `from`-th line (default: any line not yet returned). */
  let cursor = 0;
  const next = (predicate: (line: string) => boolean, what: string) =>
    new Promise<string>((resolve, reject) => {
      const index = lines.findIndex((line, at) => at >= cursor && predicate(line));
      const done = (line: string) => {
        cursor = lines.indexOf(line, cursor) + 1;
        resolve(line);
      };
      if (index >= 0) return done(lines[index]!);
      waiter = { predicate, from: cursor, resolve: done };
      void exited.then((code) => reject(new Error(`pym dev exited (${code}) before ${what}:\n${lines.join('\n')}`)));
    });
  return { lines, next, exited };
}

const listening = (line: string) => line.includes('listening on http://');
const urlOf = (line: string) => (JSON.parse(line) as { url: string }).url;

test('pym dev restarts on changes, survives a broken start, regenerates models, and stops everything on SIGTERM', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pym-dev-'));
  try {
    fs.cpSync(fixture('notes'), root, { recursive: true });
    fs.mkdirSync(path.join(root, 'node_modules/@pym'), { recursive: true });
    fs.symlinkSync(FRAMEWORK_DIR, path.join(root, 'node_modules/@pym/framework'));
    const handler = path.join(root, 'src/handlers/notes.ts');
    const spec = path.join(root, 'apis/notes.yaml');

    const child = spawn(process.execPath, [PYM_BIN, 'dev', '--port', '0'], { cwd: root, env: { ...process.env, ...CLEAN_ENV }, stdio: ['ignore', 'pipe', 'pipe'] });
    const dev = follow(child);
    try {
      let url = urlOf(await dev.next(listening, 'the first start'));
      expect(await (await fetch(`${url}/v1/notes`)).json()).toEqual([{ id: '1', text: 'first' }]);

      // A handler changes: restarted, serving the new code.
      fs.writeFileSync(handler, fs.readFileSync(handler, 'utf8').replace('return notes;', "return [...notes, { id: '2', text: 'changed' }];"));
      await dev.next((line) => line === 'pym dev: src/handlers/notes.ts changed: restarting', 'the restart');
      url = urlOf(await dev.next(listening, 'the restart after the handler change'));
      expect(await (await fetch(`${url}/v1/notes`)).json()).toEqual([{ id: '1', text: 'first' }, { id: '2', text: 'changed' }]);

      // A spec change that breaks startup: models regenerated, pym start's error shown, pym dev still up.
      fs.writeFileSync(spec, fs.readFileSync(spec, 'utf8').replace('handlers/notes#listNotes', 'handlers/notes#listNotez'));
      await dev.next((line) => line === 'pym dev: apis/notes.yaml changed: restarting', 'the restart on the spec change');
      await dev.next((line) => line === 'wrote apis/notes.models.ts', 'the models written again');
      await dev.next((line) => line.includes('export "listNotez" not found'), "pym start's binding error");
      await dev.next((line) => line === 'pym dev: the service exited (code 1); it restarts on the next change', 'the exit notice');
      expect(child.exitCode).toBeNull();

      // Fixed: serving again.
      fs.writeFileSync(spec, fs.readFileSync(spec, 'utf8').replace('handlers/notes#listNotez', 'handlers/notes#listNotes'));
      url = urlOf(await dev.next(listening, 'the start after the fix'));
      expect((await fetch(`${url}/v1/notes`)).status).toBe(200);

      child.kill('SIGTERM');
      expect(await dev.exited).toBe(0);
      await expect(fetch(`${url}/ping`)).rejects.toThrow(); // nothing listens any more
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
