// How many jobs a worker runs at once, per queue: a queue's own async.queues setting, else --concurrency, else
// async.concurrency; the worker says so when it is ready.
import { createTaskFixture, killAll, startWorkerProcess, type TaskFixture, type WorkerProcess } from './tasks-harness';

// Spawning pym processes takes seconds, more on a loaded machine.
jest.setTimeout(60_000);

let fixture: TaskFixture;
const workers: WorkerProcess[] = [];

beforeAll(() => {
  fixture = createTaskFixture({ async: { concurrency: 4, queues: { serial: { concurrency: 1 } } } });
});

afterAll(async () => {
  await killAll(workers);
  await fixture?.close();
});

async function readyLine(args: string[]) {
  const worker = await startWorkerProcess(fixture, {}, args);
  workers.push(worker);
  return JSON.parse(await worker.waitForLine((line) => line.includes('worker ready'))) as { queues: string[]; concurrency: Record<string, number> };
}

test('a queue with its own concurrency keeps it; the others take --concurrency, else async.concurrency', async () => {
  const [fromConfig, fromFlag] = await Promise.all([readyLine([]), readyLine(['--concurrency', '7'])]);
  // The fixture's tasks use the default queue `tasks` and `rejects`; `serial` comes from the config.
  expect(fromConfig.queues).toEqual(['rejects', 'serial', 'tasks']);
  expect(fromConfig.concurrency).toEqual({ rejects: 4, serial: 1, tasks: 4 });
  expect(fromFlag.concurrency).toEqual({ rejects: 7, serial: 1, tasks: 7 });
});
