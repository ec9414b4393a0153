// Unit tests of the status document, its HTTP status, accepted(ref), admin claims and the in-task helpers.
import { randomUUID } from 'node:crypto';
import { accepted } from '../../src/http/reply';
import { runWithContext } from '../../src/context/request-context';
import { initialProgress, type JobContext } from '../../src/tasks/job-context';
import { failOnError, getTaskSignal, progressItems, setProgress, setResourceUrl, TaskFailed } from '../../src/tasks/task-progress';
import { isTaskAdmin } from '../../src/tasks/task-resources';
import { httpStatusOf, statusOfJob, type JobSnapshot } from '../../src/tasks/task-status';

function snapshot(fields: Partial<JobSnapshot>): JobSnapshot {
  return { id: 'job-1', name: 'Reports.build', state: 'waiting', progress: 0, timestamp: 1000, attemptsStarted: 0, cancelled: false, ...fields };
}

describe('the status document', () => {
  test.each([
    ['waiting', 'queued', 202],
    ['prioritized', 'queued', 202],
    ['delayed', 'delayed', 202],
    ['active', 'running', 202],
    ['completed', 'completed', 200],
    ['failed', 'failed', 200],
  ])('BullMQ state %s → %s, HTTP %i', (state, status, http) => {
    const doc = statusOfJob(snapshot({ state }));
    expect(doc.status).toBe(status);
    expect(httpStatusOf(doc).status).toBe(http);
  });

  test('a completed task with a resource: 201 + Location, progress 100 and its result', () => {
    const doc = statusOfJob(
      snapshot({ state: 'completed', progress: { progress: 75, message: 'done', resource_url: '/v1/reports/7' }, returnvalue: { rows: 4 }, finishedOn: 5000 }),
    );
    expect(doc).toMatchObject({ progress: 100, message: 'done', resource_url: '/v1/reports/7', result: { rows: 4 }, finished_at: new Date(5000).toISOString() });
    expect(httpStatusOf(doc)).toEqual({ status: 201, headers: { Location: '/v1/reports/7' } });
  });

  test('a failed job of a cancelled task reads cancelled, without an error', () => {
    const doc = statusOfJob(snapshot({ state: 'failed', cancelled: true, progress: { progress: 5, message: null, resource_url: null } }));
    expect(doc.status).toBe('cancelled');
    expect(doc.error).toBeUndefined();
    expect(doc.links.map((link) => link.rel)).toEqual(['self']);
  });
});

describe('accepted(ref)', () => {
  test('202, Location on the task resource, the queued status document, sent without response validation', () => {
    const id = randomUUID();
    const reply = accepted({ id, name: 'Reports.build', statusUrl: `/tasks/${id}` });
    expect(reply).toMatchObject({ status: 202, headers: { Location: `/tasks/${id}` }, unvalidated: true });
    expect(reply.body).toMatchObject({ id, status: 'queued', progress: 0, message: null, attempts: 0, started_at: null });
  });

  test('any other body keeps the old meaning (body, Location)', () => {
    const reply = accepted({ queued: true }, '/v1/jobs/1');
    expect(reply).toMatchObject({ status: 202, body: { queued: true }, headers: { Location: '/v1/jobs/1' } });
    expect(reply.unvalidated).toBeUndefined();
  });
});

test('async.admin_claim: every listed claim must match (an array claim may contain it)', () => {
  expect(isTaskAdmin({ sub: 'a', role: 'admin' }, { role: 'admin' })).toBe(true);
  expect(isTaskAdmin({ sub: 'a', role: ['user', 'admin'] }, { role: 'admin' })).toBe(true);
  expect(isTaskAdmin({ sub: 'a', role: 'user' }, { role: 'admin' })).toBe(false);
  expect(isTaskAdmin({ sub: 'a', role: 'admin' }, undefined)).toBe(false);
  expect(isTaskAdmin({ sub: 'a', role: 'admin' }, {})).toBe(false);
});

describe('inside a task', () => {
  /** Run `fn` as the body of `running` (its job in the task's context, as run-task-job puts it). */
  const runInJob = <T>(running: JobContext, fn: () => T): T => runWithContext({ requestId: 'req-task', method: '', url: '', job: running }, fn);

  function job(): JobContext & { saved: unknown[]; controller: AbortController } {
    const saved: unknown[] = [];
    const controller = new AbortController();
    return { jobId: 'j', state: initialProgress(), signal: controller.signal, saved, controller, save: async (state) => void saved.push(state) };
  }

  test('setProgress clamps, never goes back, and stores the state; progressItems reaches 100; setResourceUrl is stored', async () => {
    const running = job();
    await runInJob(running, async () => {
      await setProgress(40, 'reading');
      await setProgress(20);
      await setProgress(400);
    });
    expect(running.saved).toEqual([
      { progress: 40, message: 'reading', resource_url: null },
      { progress: 40, message: 'reading', resource_url: null },
      { progress: 100, message: 'reading', resource_url: null },
    ]);
    const again = job();
    const seen: number[] = [];
    await runInJob(again, async () => {
      for await (const item of progressItems(new Set(['a', 'b', 'c', 'd']), 4)) seen.push(again.state.progress, item.length);
      await setResourceUrl('/v1/reports/1');
    });
    expect(seen).toEqual([0, 1, 25, 1, 50, 1, 75, 1]);
    expect(again.state).toEqual({ progress: 100, message: null, resource_url: '/v1/reports/1' });
  });

  test('failOnError turns any throw into TASK_FAILED with the message for the user, the original as cause', async () => {
    const original = new Error('disk /var/x is locked');
    const thrown = await failOnError('The ledger could not be read', () => {
      throw original;
    }).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(TaskFailed);
    expect(thrown).toMatchObject({ code: 'TASK_FAILED', userMessage: 'The ledger could not be read', cause: original });
    expect(await failOnError('unused', () => 42)).toBe(42);
  });

  test('getTaskSignal is the running job’s signal (never aborted outside a task)', async () => {
    const running = job();
    const signal = await runInJob(running, async () => getTaskSignal());
    expect(signal.aborted).toBe(false);
    running.controller.abort();
    expect(signal.aborted).toBe(true);
    expect(getTaskSignal().aborted).toBe(false);
  });
});
