// How many jobs a worker runs at once, per queue: a queue's own async.queues setting, else --concurrency, else
// async.concurrency; the worker says so when it is ready, and runs them so.
import { taskRef } from '@pym/framework';
import { Probe } from '../fixtures/tasks-service/src/tasks/probe.tasks';
import {
  createTaskFixture,
  enqueueAsScript,
  killAll,
  startWorkerProcess,
  stopEnqueuingAsScript,
  uniqueTag,
  type TaskFixture,
  type WorkerProcess,
} from './tasks-harness';

// Spawning pym processes takes seconds, more on a loaded machine.
jest.setTimeout(60_000);

let fixture: TaskFixture;
const workers: WorkerProcess[] = [];

beforeAll(() => {
  fixture = createTaskFixture({ async: { concurrency: 4, queues: { serial: { concurrency: 1 } } } });
});

afterAll(async () => {
  await stopEnqueuingAsScript();
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

test('runs of a concurrency-1 queue never overlap, while the default queue (concurrency 4) runs them side by side', async () => {
  // Concurrency is per worker process: one worker here, the previous test's gone first.
  await killAll(workers.splice(0));
  // Three runs per queue, enqueued before the worker starts, so that it finds them all waiting.
  const [serial, parallel] = [uniqueTag('serial'), uniqueTag('parallel')];
  enqueueAsScript(fixture);
  for (let i = 0; i < 3; i++) await Promise.all([taskRef(Probe.serialized(serial)), taskRef(Probe.overlapping(parallel))]);
  workers.push(await startWorkerProcess(fixture));

  // Default queue: the three are in progress together before any is released (the count can see overlap).
  const together = [];
  for (let i = 0; i < 3; i++) together.push((await fixture.nextRecord<{ inProgress: number }>('started', parallel)).inProgress);
  expect(together.sort()).toEqual([1, 2, 3]);
  for (let i = 0; i < 3; i++) await fixture.signal('release', parallel);

  // Serial queue: each run starts alone, the next only once the previous one is released and done.
  for (let i = 0; i < 3; i++) {
    expect(await fixture.nextRecord<{ inProgress: number }>('started', serial)).toEqual({ inProgress: 1 });
    await fixture.signal('release', serial);
  }
});
