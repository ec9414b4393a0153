// How many jobs a worker runs at once, per queue: a queue's own async.queues setting, else --concurrency, else
// async.concurrency; the worker says so when it is ready, and runs them so.
import fs from 'node:fs';
import { taskRef } from '@pym/framework';
import yaml from 'js-yaml';
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

test('global_concurrency caps a queue across worker processes; a worker started without it removes the cap', async () => {
  await killAll(workers.splice(0));
  await stopEnqueuingAsScript(); // the next calls go to the capped fixture's prefix
  // Two workers, each allowed 4 at once on `serial`, but the queue-wide cap is 1.
  const capped = createTaskFixture({ async: { concurrency: 4, queues: { serial: { global_concurrency: 1 } } } });
  try {
    const tag = uniqueTag('capped');
    enqueueAsScript(capped);
    for (let i = 0; i < 4; i++) await taskRef(Probe.serialized(tag));
    workers.push(...(await Promise.all([startWorkerProcess(capped), startWorkerProcess(capped)])));
    expect(await capped.queue('serial').getGlobalConcurrency()).toBe(1);
    for (let i = 0; i < 4; i++) {
      expect(await capped.nextRecord<{ inProgress: number }>('started', tag)).toEqual({ inProgress: 1 });
      await capped.signal('release', tag);
    }

    // The same service without the setting: its next worker lifts the cap (the config is the source of truth).
    const uncappedPath = capped.configPath.replace(/\.yaml$/, '.uncapped.yaml');
    const config = yaml.load(fs.readFileSync(capped.configPath, 'utf8')) as { async: { queues: Record<string, unknown> } };
    config.async.queues = {};
    fs.writeFileSync(uncappedPath, yaml.dump(config));
    const uncapped = await startWorkerProcess({ ...capped, configPath: uncappedPath });
    workers.push(uncapped);
    await uncapped.waitForLine((line) => line.includes('queue serial: global concurrency removed'), 'the cap removed');
    expect(await capped.queue('serial').getGlobalConcurrency()).toBeNull();
  } finally {
    await killAll(workers.splice(0));
    await stopEnqueuingAsScript();
    await capped.close();
  }
});
