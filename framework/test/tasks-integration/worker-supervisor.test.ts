// `pym start` with with_async: true supervises its worker process: one that dies is restarted (logged, with a
// backoff), and tasks run in the new one.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import type { PymProcess } from '../helpers/spawn-pym';
import { FIXTURE_DIR, createTaskFixture, post, startService, tokenFor, uniqueTag, type TaskFixture } from './tasks-harness';

// Spawning pym processes takes seconds, more on a loaded machine.
jest.setTimeout(60_000);

let fixture: TaskFixture;
let service: PymProcess;

beforeAll(async () => {
  fixture = createTaskFixture({ config: { with_async: true } });
  service = await startService(fixture);
});

afterAll(async () => {
  await service?.stop();
  await fixture?.close();
});

const pidOf = (line: string) => (JSON.parse(line) as { pid: number }).pid;

test('a worker process that dies is restarted, logged with its backoff, and the next task runs in the new one', async () => {
  const first = pidOf(await service.waitForLine((line) => line.includes('worker ready'), 'the first worker ready'));
  process.kill(first, 'SIGKILL');

  const died = JSON.parse(await service.waitForLine((line) => line.includes('worker process died; restarting'), 'the restart line'));
  expect(died).toMatchObject({ level: 50, pid: first, code: null, signal: 'SIGKILL', restartInMs: expect.any(Number) });
  expect(died.restartInMs).toBeGreaterThan(0);
  const second = pidOf(await service.waitForLine((line) => line.includes('worker ready') && pidOf(line) !== first, 'the new worker ready'));
  expect(second).not.toBe(service.child.pid);

  const tag = uniqueTag('after-restart');
  const response = await post(service.url, '/v1/observe', { tag }, { token: tokenFor('user-restart') });
  expect(response.status).toBe(202);
  expect((await fixture.nextRecord<{ pid: number }>('observe', tag)).pid).toBe(second);
});

test('async.workers: 2 runs two worker processes; --no-worker runs none', async () => {
  const two = createTaskFixture({ config: { with_async: true }, async: { workers: 2 } });
  const started: PymProcess[] = [];
  try {
    const withWorkers = await startService(two);
    started.push(withWorkers);
    const listening = JSON.parse(await withWorkers.waitForLine((line) => line.includes('listening on'), 'the listening line'));
    expect(listening.workers).toBe(2);
    const first = pidOf(await withWorkers.waitForLine((line) => line.includes('worker ready'), 'a worker ready'));
    const second = pidOf(await withWorkers.waitForLine((line) => line.includes('worker ready') && pidOf(line) !== first, 'a second worker ready'));
    expect(new Set([first, second, withWorkers.child.pid]).size).toBe(3);

    const without = await startService(two, {}, ['--no-worker']);
    started.push(without);
    expect(JSON.parse(await without.waitForLine((line) => line.includes('listening on'), 'the listening line'))).toMatchObject({ workers: 0 });
  } finally {
    await Promise.all(started.map((service) => service.stop()));
    await two.close();
  }
});

test('a server process that crashes takes its worker processes with it (none left consuming as an orphan)', async () => {
  const script = path.join(FIXTURE_DIR, 'scripts', 'supervisor-crash.js');
  const server = spawn(process.execPath, [script, fixture.configPath], {
    cwd: FIXTURE_DIR,
    env: { ...process.env, PYM_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // The worker writes to the same stdout: the pipe ends only once the server and its worker have both exited.
  let output = '';
  server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const ended = once(server.stdout, 'end');
  const workerReady = new Promise<number>((resolve) => {
    server.stdout.on('data', () => {
      const line = output.split('\n').find((candidate) => candidate.includes('worker ready'));
      if (line) resolve(pidOf(line));
    });
  });
  const worker = await workerReady;
  let workerGone = false;
  try {
    server.kill('SIGUSR2'); // an uncaught exception in the server process
    const [code] = (await once(server, 'exit')) as [number | null];
    expect(code).toBe(1);
    await ended; // before: the orphaned worker kept running (and the pipe open) after the server died
    workerGone = true;
    // The worker stopped as told (SIGTERM from the dying server), not killed.
    expect(output).toMatch(/"role":"worker".*"signal":"SIGTERM".*"msg":"SIGTERM: worker finishing active tasks"/);
    expect(output).toMatch(/"role":"worker".*"clean":true.*"msg":"stopped"/);
  } finally {
    if (!workerGone) process.kill(worker, 'SIGKILL'); // this test failed: leave no orphan behind
  }
});
