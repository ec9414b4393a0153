// Retention: a finished task reads 404 once async.keep_finished has passed, even on a quiet queue where BullMQ
// has not removed the job yet (it does so only when another job finishes); what a listing drops from the owner
// index, and when. Real Redis and BullMQ; the clock of TaskResources is moved instead of waiting a day.
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import { asyncTask, taskRef, type PymConfig } from '@pym/framework';
import { runWithContext } from '../../src/context/request-context';
import { getScriptScope } from '../../src/context/script-scope';
import { TaskNotFound, TaskResources, UNINDEX_AFTER_MS } from '../../src/tasks/task-resources';
import { indexTask, ownerTaskIds } from '../../src/tasks/task-owner-index';
import { createTaskFixture, enqueueAsScript, MAIN_REDIS_URL, stopEnqueuingAsScript, type TaskFixture } from '../tasks-integration/tasks-harness';

const KEEP_SECONDS = 60;
let fixture: TaskFixture;
let config: PymConfig;

beforeAll(() => {
  fixture = createTaskFixture({ async: { keep_finished: KEEP_SECONDS } });
  config = enqueueAsScript(fixture);
});

afterAll(async () => {
  await stopEnqueuingAsScript();
  await fixture.close();
});

class Kept {
  @asyncTask({ name: `Kept.work-${randomUUID()}` })
  static async work(): Promise<void> {}
}

test('a finished task is readable and listed during async.keep_finished, then 404 and unlisted', async () => {
  const owner = `user-${randomUUID()}`;
  const caller = { claims: { sub: owner } };
  const ref = await runWithContext({ requestId: 'req-kept', method: 'POST', url: '/kept', claims: { sub: owner } }, () => taskRef(Kept.work()));
  // Finish it with a plain BullMQ worker on the same queue (what is judged here is the record, not the run).
  const worker = new Worker('tasks', async () => 'done', { connection: { url: MAIN_REDIS_URL }, prefix: fixture.prefix });
  await once(worker, 'completed');
  await worker.close();
  const finishedOn = (await fixture.job(ref.id)).finishedOn!;

  // The backend the enqueue went through (connected), as the server's task resources use it.
  let now = finishedOn + (KEEP_SECONDS - 1) * 1000;
  const resources = new TaskResources(config, getScriptScope()!.taskBackend().bullmq, () => now);
  expect(await resources.get(ref.id, caller)).toMatchObject({ id: ref.id, status: 'completed', result: 'done' });
  expect((await resources.list(caller, { limit: 10, offset: 0 })).tasks.map((task) => task.id)).toEqual([ref.id]);

  now = finishedOn + KEEP_SECONDS * 1000;
  expect(await fixture.queue().getJobState(ref.id)).toBe('completed'); // still in BullMQ: nothing else finished since
  await expect(resources.get(ref.id, caller)).rejects.toBeInstanceOf(TaskNotFound);
  expect((await resources.list(caller, { limit: 10, offset: 0 })).tasks).toEqual([]);
  expect(await ownerTaskIds(fixture.redis, fixture.prefix, owner, 10)).toEqual([]);
});

test('an index entry whose job is not there yet (an enqueue in flight) is skipped by a listing, not dropped, until it is 30 s old', async () => {
  const owner = `user-${randomUUID()}`;
  const caller = { claims: { sub: owner } };
  const id = randomUUID();
  const enqueuedAt = Date.now();
  // What an enqueue writes side by side with its job: the owner's index entry, the job not added yet.
  await indexTask(fixture.redis, fixture.prefix, owner, id, enqueuedAt, KEEP_SECONDS);

  let now = enqueuedAt + UNINDEX_AFTER_MS - 1;
  const resources = new TaskResources(config, getScriptScope()!.taskBackend().bullmq, () => now);
  expect((await resources.list(caller, { limit: 10, offset: 0 })).tasks).toEqual([]);
  expect(await ownerTaskIds(fixture.redis, fixture.prefix, owner, 10)).toEqual([id]); // kept for when its job lands

  now = enqueuedAt + UNINDEX_AFTER_MS; // by now its enqueue has long failed (async.enqueue_timeout): forgotten
  expect((await resources.list(caller, { limit: 10, offset: 0 })).tasks).toEqual([]);
  expect(await ownerTaskIds(fixture.redis, fixture.prefix, owner, 10)).toEqual([]);
});
