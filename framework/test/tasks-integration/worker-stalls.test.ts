// A task whose worker dies under it: each stall counts as an attempt, the task runs again while it has attempts
// left, and the failure that ends it is TASK_STALLED, logged and reported once with a real error_id.
// Real worker processes, SIGKILLed while they hold the task; every wait is on an event (a record, a log line).
import { taskRef } from '@pym/framework';
import { Probe } from '../fixtures/tasks-service/src/tasks/probe.tasks';
import { TaskResources } from '../../src/tasks/task-resources';
import { createTaskFixture, enqueueAsScript, killAll, startWorkerProcess, stopEnqueuingAsScript, uniqueTag, type TaskFixture, type WorkerProcess } from './tasks-harness';
import type { PymConfig } from '../../src/config/config-schema';
import { getScriptScope } from '../../src/context/script-scope';
import { runWithContext } from '../../src/context/request-context';

const OWNER = 'stalls-owner';

// Each kill costs a lock expiry and a stalled-job check (up to 2 × lock_duration), plus a process start.
jest.setTimeout(180_000);

let fixture: TaskFixture;
let config: PymConfig;
const workers: WorkerProcess[] = [];

beforeAll(() => {
  // A short lock so that a dead worker's task is taken back within seconds; not shorter, so that a live worker
  // starved on a loaded machine keeps its lock.
  fixture = createTaskFixture({ async: { lock_duration: 4000 } });
  config = enqueueAsScript(fixture);
});

// One worker at a time: each test starts its own.
beforeEach(() => killAll(workers));

afterAll(async () => {
  await stopEnqueuingAsScript();
  await killAll(workers);
  await fixture?.close();
});

/** Start a worker, wait until it has taken the task (its `started` record), and SIGKILL it. */
async function killWhileRunning(tag: string): Promise<WorkerProcess> {
  const worker = await startWorkerProcess(fixture);
  workers.push(worker);
  const started = await fixture.nextRecord<{ pid: number }>('started', tag, 60);
  expect(started.pid).toBe(worker.pid);
  worker.child.kill('SIGKILL');
  expect(await worker.exited).toBeNull();
  return worker;
}

test('killed twice with three attempts: the third attempt runs and completes, once', async () => {
  const tag = uniqueTag('stalled-twice');
  const ref = await taskRef(Probe.hold(tag)); // the fixture's attempts: 3
  await killWhileRunning(tag);
  await killWhileRunning(tag);
  // Before: BullMQ failed the job on its second stall (maxStalledCount 1), silently, without running it again.
  const third = await startWorkerProcess(fixture);
  workers.push(third);
  expect((await fixture.nextRecord<{ pid: number }>('started', tag, 60)).pid).toBe(third.pid);
  const takeover = JSON.parse(await third.waitForLine((line) => line.includes('taken over after its worker stopped')));
  expect(takeover).toMatchObject({ level: 40, stalls: 2, task: { jobId: ref.id, attempt: 3, attempts: 3 } });
  await fixture.signal('release', tag);
  expect(await fixture.nextRecord('done', tag)).toEqual({ pid: third.pid, completions: 1 });
  expect(await fixture.jobOutcome(ref.id)).toEqual({ state: 'completed' });
});

test('killed twice with two attempts: failed with TASK_STALLED, logged and reported once under one error_id, shown by its status', async () => {
  const tag = uniqueTag('stalled-out');
  const ref = await runWithContext({ requestId: 'r-stalls', method: 'POST', url: '/t', claims: { sub: OWNER } }, () => taskRef(Probe.holdTwoAttempts(tag)));
  await killWhileRunning(tag);
  await killWhileRunning(tag);
  const last = await startWorkerProcess(fixture);
  workers.push(last);
  expect(await fixture.jobOutcome(ref.id)).toMatchObject({ state: 'failed', reason: expect.stringMatching(/^TASK_STALLED \(error_id [0-9a-f-]{36}\)$/) });

  const report = await fixture.nextRecord<Record<string, any>>('report', ref.id);
  expect(report).toMatchObject({ code: 'TASK_STALLED', status: 500, task: { name: 'Probe.holdTwoAttempts', jobId: ref.id, attempt: 3 } });
  expect(report.errorId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  const logged = JSON.parse(await last.waitForLine((line) => line.includes('"msg":"task Probe.holdTwoAttempts failed"')));
  expect(logged).toMatchObject({ level: 50, errorId: report.errorId, code: 'TASK_STALLED', final: true });
  // Not run a third time, and reported once.
  expect(await fixture.redis.llen(fixture.key('started', tag))).toBe(0);
  expect(await fixture.redis.llen(fixture.key('report', ref.id))).toBe(0);

  // The status document (GET /tasks/{id}) shows the code and the same error_id.
  const status = await new TaskResources(config, getScriptScope()!.taskBackend().bullmq).get(ref.id, { claims: { sub: OWNER } });
  expect(status).toMatchObject({ status: 'failed', error: { error: 'TASK_STALLED', error_id: report.errorId } });
});
