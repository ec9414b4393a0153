// Worker processes dying and stopping: a SIGKILLed task is finished by another worker (unless cancelled meanwhile),
// SIGTERM waits; plus enqueue from a script.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { taskRef } from '@pym/framework';
import yaml from 'js-yaml';
import { CANCELLED_REASON } from '../../src/tasks/run-task-job';
import { publishCancel } from '../../src/tasks/task-cancel';
import { writeCancelMarker } from '../../src/tasks/task-owner-index';
import { Probe } from '../fixtures/tasks-service/src/tasks/probe.tasks';
import {
  createTaskFixture,
  enqueueAsScript,
  FIXTURE_DIR,
  killAll,
  startWorkerProcess,
  stopEnqueuingAsScript,
  uniqueTag,
  type TaskFixture,
  type WorkerProcess,
} from './tasks-harness';

// Spawning pym processes takes seconds, more on a loaded machine.
jest.setTimeout(90_000);

let fixture: TaskFixture;
let workers: WorkerProcess[] = [];

beforeAll(async () => {
  // A short lock, so that a dead worker's task is handed to another one within seconds (default 30 s); not
  // shorter: a worker starved for half of it on a loaded machine would lose a live task's lock.
  fixture = createTaskFixture({ async: { lock_duration: 4000 } });
  workers = await Promise.all([startWorkerProcess(fixture), startWorkerProcess(fixture)]);
  // This test process plays a plain script: config loaded and set, no request or task context.
  enqueueAsScript(fixture);
});

/** Script processes a test started: killed at the end in case one never exited (the failure they test for). */
const scripts: ChildProcess[] = [];

afterAll(async () => {
  for (const script of scripts) if (script.exitCode === null && script.signalCode === null) script.kill('SIGKILL');
  await stopEnqueuingAsScript();
  await killAll(workers);
  await fixture?.close();
});

/** The worker that logged `pid`, and the others. */
function split(pid: number) {
  const worker = workers.find((candidate) => candidate.pid === pid);
  if (!worker) throw new Error(`no worker of this test has pid ${pid}`);
  return { worker, others: workers.filter((candidate) => candidate !== worker) };
}

test('a task called outside any request or task (a script) is enqueued, and runs with an empty identity', async () => {
  const tag = uniqueTag('script');
  const ref = await taskRef(Probe.observe(tag));
  expect(ref).toEqual({ id: expect.any(String), name: 'Probe.observe', statusUrl: `/tasks/${ref.id}` });
  const report = await fixture.nextRecord('observe', tag);
  expect(workers.map((worker) => worker.pid)).toContain(report.pid);
  expect(report.pid).not.toBe(process.pid);
  expect(report).toMatchObject({ userId: null, claims: null, token: null, requestId: '', url: '', method: '' });
});

test('a real script process loads the config by itself on its first call, and exits once closeTasks() released the queue', async () => {
  const tag = uniqueTag('script-process');
  const script = path.join(FIXTURE_DIR, 'scripts', 'enqueue-observe.ts');
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', script, tag], {
    cwd: FIXTURE_DIR, // tsx reads the fixture's tsconfig (decorators)
    env: { ...process.env, PYM_CONFIG: fixture.configPath, PYM_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' }); // exited by itself: nothing left open
  const ref = JSON.parse(stdout.trim().split('\n').at(-1)!) as { id: string; name: string };
  expect(ref.name).toBe('Probe.observe');
  const report = await fixture.nextRecord('observe', tag);
  expect(workers.map((worker) => worker.pid)).toContain(report.pid);
  expect(report).toMatchObject({ userId: null, requestId: '' });
});

test('startWorker() in a program: once close() resolved, the process exits by itself (its connections closed)', async () => {
  const script = path.join(FIXTURE_DIR, 'scripts', 'worker-start-close.ts');
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', script], {
    cwd: FIXTURE_DIR,
    env: { ...process.env, PYM_CONFIG: fixture.configPath, PYM_ENV: 'test' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  scripts.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  // Before: each queue's main connection stayed open after close(), and the process never exited.
  const [code] = (await once(child, 'exit')) as [number | null];
  expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  expect(stdout).toMatch(/started .*tasks/);
  expect(stdout).toContain('closed true');
});

test('a worker SIGKILLed in the middle of a task: another worker runs it to completion, once', async () => {
  const tag = uniqueTag('killed');
  const ref = await taskRef(Probe.hold(tag));
  const first = await fixture.nextRecord('started', tag);
  const { worker: victim, others } = split(first.pid);

  victim.child.kill('SIGKILL');
  expect(await victim.exited).toBeNull();
  // BullMQ's stalled-job recovery hands the task to the surviving worker once the dead one's lock expires.
  const second = await fixture.nextRecord('started', tag, 40);
  expect(others.map((worker) => worker.pid)).toContain(second.pid);
  await fixture.signal('release', tag);

  expect(await fixture.nextRecord('done', tag)).toEqual({ pid: second.pid, completions: 1 });
  expect(await fixture.jobOutcome(ref.id)).toEqual({ state: 'completed' });
  expect(await fixture.counter('completions', tag)).toBe(1);
  workers = others;
});

test('SIGTERM with a task running: the task completes, then the worker exits with code 0', async () => {
  const tag = uniqueTag('graceful');
  const ref = await taskRef(Probe.hold(tag));
  const started = await fixture.nextRecord('started', tag);
  const { worker } = split(started.pid);

  worker.child.kill('SIGTERM');
  await worker.waitForLine((line) => line.includes('worker finishing active tasks'), 'the SIGTERM log line');
  expect(worker.child.exitCode).toBeNull(); // still running: its task has not finished
  await fixture.signal('release', tag);

  expect(await worker.exited).toBe(0);
  // Finished before the exit: already recorded and completed when the process is gone.
  expect(await fixture.redis.lrange(fixture.key('done', tag), 0, -1)).toEqual([JSON.stringify({ pid: worker.pid, completions: 1 })]);
  expect(await (await fixture.job(ref.id)).getState()).toBe('completed');
  expect(JSON.parse(await worker.waitForLine((line) => line.includes('"msg":"stopped"')))).toMatchObject({ clean: true });
});

test('SIGINT then SIGTERM (Ctrl-C on pym start, then its supervisor) with a task running past async.shutdown_timeout: the worker exits anyway, and another worker runs the task, once', async () => {
  await killAll(workers); // one worker at a time: the one stopped, then its successor
  const impatient = { ...fixture, configPath: fixture.configPath.replace(/\.yaml$/, '.impatient.yaml') };
  const config = yaml.load(fs.readFileSync(fixture.configPath, 'utf8')) as { async: Record<string, unknown> };
  fs.writeFileSync(impatient.configPath, yaml.dump({ ...config, async: { ...config.async, shutdown_timeout: 1 } }));
  const [stopped] = (workers = [await startWorkerProcess(impatient)]);
  const tag = uniqueTag('outlasts-shutdown');
  const ref = await taskRef(Probe.hold(tag));
  expect((await fixture.nextRecord<{ pid: number }>('started', tag)).pid).toBe(stopped.pid);

  stopped.child.kill('SIGINT');
  await stopped.waitForLine((line) => line.includes('SIGINT: worker finishing active tasks'));
  stopped.child.kill('SIGTERM'); // before: a second stop, which waited for the task without a deadline
  expect(await stopped.exited).toBe(0); // the task is still held: it did not wait for it beyond 1 s
  await stopped.waitForLine((line) => line.includes('SIGTERM: already stopping'));
  expect(JSON.parse(await stopped.waitForLine((line) => line.includes('"msg":"stopped"')))).toMatchObject({ clean: false });
  // Left running, not ended: no attempt made, still active (its lock held until it expires).
  const left = await fixture.job(ref.id);
  expect({ state: await left.getState(), attemptsMade: left.attemptsMade }).toEqual({ state: 'active', attemptsMade: 0 });
  expect(await fixture.counter('completions', tag)).toBe(0);

  // Its lock expires and the task goes back to the queue (BullMQ stalled-job recovery): the next worker runs it.
  const successor = await startWorkerProcess(fixture);
  workers = [successor];
  expect((await fixture.nextRecord<{ pid: number }>('started', tag, 40)).pid).toBe(successor.pid);
  await fixture.signal('release', tag);
  expect(await fixture.nextRecord('done', tag)).toEqual({ pid: successor.pid, completions: 1 });
  expect(await fixture.jobOutcome(ref.id)).toEqual({ state: 'completed' });
});

test('a task cancelled while its worker was dead is not completed by the worker that takes it over', async () => {
  await killAll(workers); // one worker at a time: the holder, then its successor
  const [holder] = (workers = [await startWorkerProcess(fixture)]);
  const tag = uniqueTag('cancelled-while-dead');
  const ref = await taskRef(Probe.hold(tag));
  expect((await fixture.nextRecord<{ pid: number }>('started', tag)).pid).toBe(holder.pid);
  holder.child.kill('SIGKILL');
  expect(await holder.exited).toBeNull();

  // What DELETE /tasks/{id} does for a running task: the marker, then the announcement, heard by nobody.
  const now = Date.now();
  await writeCancelMarker(fixture.redis, fixture.prefix, { id: ref.id, name: ref.name, owner: '', created_at: now, cancelled_at: now, removed: false }, 60);
  await publishCancel(fixture.redis, fixture.prefix, ref.id);

  // A worker started afterwards takes the stalled task over: a redelivery, so it reads the marker.
  const successor = await startWorkerProcess(fixture);
  workers = [successor];
  expect((await fixture.nextRecord<{ pid: number }>('started', tag, 40)).pid).toBe(successor.pid);
  await fixture.signal('release', tag);
  expect(await fixture.jobOutcome(ref.id)).toEqual({ state: 'failed', reason: CANCELLED_REASON });
});
