// `pym start` with with_async: true supervises its worker process: one that dies is restarted (logged, with a
// backoff), and tasks run in the new one.
import type { PymProcess } from '../helpers/spawn-pym';
import { createTaskFixture, post, startService, tokenFor, uniqueTag, type TaskFixture } from './tasks-harness';

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
