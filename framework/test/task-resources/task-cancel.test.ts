// DELETE /tasks/{id}: a delayed task never runs, a running one stops in its worker process, a finished one is a 409.
import { writeCancelMarker } from '../../src/tasks/task-owner-index';
import { tokenFor } from '../tasks-integration/tasks-harness';
import { expectCancelOfRunningTask, startResourcesFixture, uniqueTag, type HttpReply, type ResourcesFixture } from './task-resources-harness';

// Spawning pym processes takes seconds, more on a loaded machine.
jest.setTimeout(60_000);

let fixture: ResourcesFixture;

beforeAll(async () => {
  fixture = await startResourcesFixture();
});

afterAll(async () => {
  await fixture?.close();
});

const finished = (reply: HttpReply) => ['completed', 'failed', 'cancelled'].includes(reply.body?.status);

describe('DELETE /tasks/{id}', () => {
  test('on a delayed task: removed from the queue, so it never runs; it then reads cancelled, not 404', async () => {
    const token = tokenFor(uniqueTag('user'));
    const tag = uniqueTag('delayed');
    const started = await fixture.request('POST', '/v1/reports', { token, body: { tag, kind: 'delayed' } });
    expect(started.body.status).toBe('delayed');
    const id = started.body.id as string;
    expect(await fixture.queue.getJobState(id)).toBe('delayed');

    const cancelled = await fixture.request('DELETE', `/tasks/${id}`, { token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ id, status: 'cancelled', name: 'Reports.delayed', started_at: null });
    expect(cancelled.body.links).toEqual([{ rel: 'self', href: `/tasks/${id}` }]);
    // Gone from BullMQ: no worker can ever take it.
    expect(await fixture.queue.getJob(id)).toBeUndefined();
    expect(await fixture.queue.getJobState(id)).toBe('unknown');

    const read = await fixture.request('GET', `/tasks/${id}`, { token });
    expect(read).toMatchObject({ status: 200, body: { id, status: 'cancelled' } });
    const again = await fixture.request('DELETE', `/tasks/${id}`, { token });
    expect(again).toMatchObject({ status: 200, body: { status: 'cancelled' } });
    const listed = await fixture.request('GET', '/tasks?status=cancelled', { token });
    expect(listed.body.tasks.map((task: { id: string }) => task.id)).toEqual([id]);
  });

  test('on a running task in another process: its AbortSignal fires within 1 s and it ends cancelled', async () => {
    const token = tokenFor(uniqueTag('user'));
    const tag = uniqueTag('running');
    const { body } = await fixture.request('POST', '/v1/reports', { token, body: { tag, kind: 'cancellable' } });
    const started = await fixture.nextRecord<{ pid: number }>('started', tag);
    expect(started.pid).not.toBe(fixture.service.child.pid);
    expect((await fixture.request('GET', `/tasks/${body.id}`, { token })).body.status).toBe('running');

    const deletedAt = Date.now();
    const deleted = await fixture.request('DELETE', `/tasks/${body.id}`, { token });
    expectCancelOfRunningTask(deleted, body.id);
    const stopped = await fixture.nextRecord<{ pid: number; aborted: boolean; at: number }>('stopped', tag);
    expect(stopped.pid).toBe(started.pid);
    expect(stopped.aborted).toBe(true);
    expect(stopped.at - deletedAt).toBeLessThan(1000);

    const done = (await fixture.pollUntil(`/tasks/${body.id}`, token, finished)).at(-1)!;
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ id: body.id, status: 'cancelled', progress: 5, attempts: 1 });
    expect(done.body.error).toBeUndefined();
    expect(typeof done.body.finished_at).toBe('string');
  });

  test('a task that failed on its own before a cancel reached its worker stays failed, with its error', async () => {
    const token = tokenFor(uniqueTag('user'));
    const { body } = await fixture.request('POST', '/v1/reports', { token, body: { tag: uniqueTag('crashing'), kind: 'crashing' } });
    const failed = (await fixture.pollUntil(`/tasks/${body.id}`, token, finished)).at(-1)!;
    expect(failed.body.status).toBe('failed');
    // What a DELETE leaves when its announcement comes too late: the cancel marker, the job failed anyway.
    const now = Date.now();
    await writeCancelMarker(fixture.redis, fixture.prefix, { id: body.id, name: body.name, owner: '', created_at: now, cancelled_at: now, removed: false }, 60);
    const read = await fixture.request('GET', `/tasks/${body.id}`, { token });
    expect(read.body).toMatchObject({ status: 'failed', error: { error: 'SERVER_ERROR', error_id: failed.body.error.error_id } });
  });

  test('on a completed task: 409 TASK_ALREADY_FINISHED, and the task stays completed', async () => {
    const token = tokenFor(uniqueTag('user'));
    const { body } = await fixture.request('POST', '/v1/reports', { token, body: { tag: uniqueTag('quick'), kind: 'quick' } });
    await fixture.pollUntil(`/tasks/${body.id}`, token, finished);
    const refused = await fixture.request('DELETE', `/tasks/${body.id}`, { token });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error: 'TASK_ALREADY_FINISHED', error_description: expect.stringContaining('completed') });
    expect((await fixture.request('GET', `/tasks/${body.id}`, { token })).body.status).toBe('completed');
  });
});
