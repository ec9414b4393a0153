// Acceptance: this repository's `npm start` (the README's "This repository" command) execs pym, so a SIGTERM to npm
// reaches `pym start`, which stops its worker and exits: nothing is left running (npm runs scripts with `sh -c`, which
// would otherwise die alone and leave pym and its worker orphaned on the port).
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { userEnv } from '../../framework/test/helpers/shell';
import { REPO_ROOT, spawnFollowed } from '../../framework/test/helpers/spawn-pym';
import { deleteKeys } from '../../framework/test/tasks-integration/tasks-harness';
import { NO_AUDIT_URL } from './helpers/library-service';

const PREFIX = `library-test-${randomUUID()}`;

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pids whose parent is `pid`, with their command lines (Linux /proc). */
function childrenOf(pid: number): { pid: number; cmdline: string }[] {
  return fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).flatMap((entry) => {
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return ppid === pid ? [{ pid: Number(entry), cmdline: fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim() }] : [];
    } catch {
      return []; // gone meanwhile
    }
  });
}

afterAll(async () => {
  const redis = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  await deleteKeys(redis, PREFIX);
  redis.disconnect();
});

test('npm start execs pym: SIGTERM to npm stops pym start and its worker, and the port is released', async () => {
  const script = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts.start;
  expect(script).toMatch(/^exec /);
  const npm = spawnFollowed('npm', ['start', '--', '--port', '0'], { cwd: REPO_ROOT, env: userEnv({ PYM_ENV: 'test', LIBRARY_REDIS_PREFIX: PREFIX, LIBRARY_AUDIT_URL: NO_AUDIT_URL }) }, 'npm start');
  const listening = JSON.parse(await npm.waitForLine((line) => line.includes('listening on'), 'listening')) as { url: string };
  const worker = JSON.parse(await npm.waitForLine((line) => line.includes('"msg":"worker ready'), 'the worker')) as { pid: number };
  expect(await (await fetch(`${listening.url}/ping`)).json()).toEqual({});
  // pym start is npm's own child process: exec replaced the shell.
  const children = childrenOf(npm.child.pid!);
  expect(children).toEqual([{ pid: expect.any(Number), cmdline: expect.stringMatching(/bin\/pym start --port 0$/) }]);

  npm.child.kill('SIGTERM');
  expect(await npm.exited).toBe(0);
  expect(alive(children[0]!.pid)).toBe(false);
  expect(alive(worker.pid)).toBe(false);
  await expect(fetch(`${listening.url}/ping`)).rejects.toThrow();
}, 180_000);
