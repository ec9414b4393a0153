// Task resources over HTTP with a real worker process: lifecycle, results, failures, ownership, listing, idempotency.
import { randomUUID } from 'node:crypto';
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

async function start(kind: string, tag: string, token: string, headers: Record<string, string> = {}) {
  return fixture.request('POST', '/v1/reports', { token, body: { tag, kind }, headers });
}

/** Start a task of `kind` for a new user and poll it to its end: its last reply, and its tag. */
async function runToEnd(kind: string): Promise<{ last: HttpReply; tag: string }> {
  const token = tokenFor(uniqueTag('user'));
  const tag = uniqueTag(kind);
  const { body } = await start(kind, tag, token);
  return { last: (await fixture.pollUntil(`/tasks/${body.id}`, token, finished)).at(-1)!, tag };
}

/** A failed task's status shows nothing of its internal error (the fixture's ledger file, tag, message, a stack). */
function expectNoInternals(reply: HttpReply, tag: string): void {
  const text = JSON.stringify(reply.body);
  for (const internal of ['ledger.db', tag.slice(8), 'internal detail']) expect(text).not.toContain(internal);
  expect(text).not.toMatch(/\bat .*\.ts:\d+/);
}

test('the first requests after start, before any task: GET /tasks/{id} is 404 and GET /tasks is empty (not 500)', async () => {
  // The service's queue connection is made on first use: these requests are the ones that open it.
  const token = tokenFor(uniqueTag('first-user'));
  const [one, all] = await Promise.all([
    fixture.request('GET', `/tasks/${randomUUID()}`, { token }),
    fixture.request('GET', '/tasks', { token }),
  ]);
  expect({ status: one.status, error: one.body.error }).toEqual({ status: 404, error: 'TASK_NOT_FOUND' });
  expect({ status: all.status, tasks: all.body.tasks }).toEqual({ status: 200, tasks: [] });
});

describe('a task started by an endpoint', () => {
  test('is a resource: 202 + Location, then queued → running → completed with rising progress, then 201 + Location of its report', async () => {
    const token = tokenFor(uniqueTag('user'));
    const tag = uniqueTag('stepped');
    const started = await start('stepped', tag, token);
    expect(started.status).toBe(202);
    const id = started.body.id as string;
    expect(started.headers.get('location')).toBe(`/tasks/${id}`);
    expect(started.body).toMatchObject({ id, name: 'Reports.stepped', status: 'queued', progress: 0, attempts: 0 });
    expect(started.body.links).toEqual([
      { rel: 'self', href: `/tasks/${id}` },
      { rel: 'cancel', method: 'DELETE', href: `/tasks/${id}` },
    ]);

    const seen: HttpReply[] = [started];
    await fixture.nextRecord('started', tag);
    const running = await fixture.request('GET', `/tasks/${id}`, { token });
    seen.push(running);
    expect(running.status).toBe(202);
    expect(running.body).toMatchObject({ id, status: 'running', progress: 10, message: 'started', attempts: 1, finished_at: null });
    expect(typeof running.body.started_at).toBe('string');

    await fixture.signal('go', tag);
    for (const expected of [25, 50, 75]) {
      await fixture.signal('row', tag);
      seen.push(...(await fixture.pollUntil(`/tasks/${id}`, token, (reply) => reply.body.progress >= expected)));
      expect(seen.at(-1)!.status).toBe(202);
      expect(seen.at(-1)!.body.status).toBe('running');
    }
    await fixture.signal('row', tag);
    seen.push(...(await fixture.pollUntil(`/tasks/${id}`, token, finished)));

    const done = seen.at(-1)!;
    expect(done.status).toBe(201);
    expect(done.headers.get('location')).toBe(`/v1/reports/${tag}`);
    expect(done.body).toMatchObject({ status: 'completed', progress: 100, resource_url: `/v1/reports/${tag}`, result: { tag, rows: 4 } });
    expect(done.body.links).toEqual([{ rel: 'self', href: `/tasks/${id}` }]);

    const statuses = seen.map((reply) => reply.body.status as string);
    const order = ['queued', 'running', 'completed'];
    expect([...new Set(statuses)]).toEqual(order);
    statuses.forEach((status, i) => i > 0 && expect(order.indexOf(status)).toBeGreaterThanOrEqual(order.indexOf(statuses[i - 1]!)));
    const progress = seen.map((reply) => reply.body.progress as number);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress).toEqual(expect.arrayContaining([10, 25, 50, 75, 100]));

    const report = await fixture.request('GET', done.headers.get('location')!, { token });
    expect(report).toMatchObject({ status: 200, body: { tag, rows: 4 } });
  });

  // Before: the progress object was stored as is; whoever could write to Redis sent clients anywhere with a 201.
  test('a progress object rewritten in Redis (resource_url to another site) is not served: 200, no Location', async () => {
    const token = tokenFor(uniqueTag('user'));
    const tag = uniqueTag('rewritten');
    const { body } = await start('quick', tag, token);
    const done = (await fixture.pollUntil(`/tasks/${body.id}`, token, finished)).at(-1)!;
    expect(done.status).toBe(200);
    const forged = { progress: 100, message: 'done', resource_url: 'https://evil.example/phish', seal: 'forged' };
    await fixture.redis.hset(`${fixture.prefix}:tasks:${body.id}`, 'progress', JSON.stringify(forged));
    const read = await fixture.request('GET', `/tasks/${body.id}`, { token });
    expect(read.status).toBe(200);
    expect(read.headers.get('location')).toBeNull();
    expect(read.body.resource_url).toBeUndefined();
    expect(read.body).toMatchObject({ status: 'completed', result: { tag, done: true } });
  });

  test('setResourceUrl to another site fails the task: no Location to it, ever', async () => {
    const { last } = await runToEnd('offsite');
    expect(last.status).toBe(200);
    expect(last.headers.get('location')).toBeNull();
    expect(last.body).toMatchObject({ status: 'failed', error: { error: 'SERVER_ERROR' } });
  });

  test('completed without a resource: 200 with the result', async () => {
    const { last: done, tag } = await runToEnd('quick');
    expect(done.status).toBe(200);
    expect(done.headers.get('location')).toBeNull();
    expect(done.body).toMatchObject({ status: 'completed', progress: 100, result: { tag, done: true } });
    expect(done.body.resource_url).toBeUndefined();
  });

  test('failing through failOnError: failed, with the message for the user and an error_id, no internals or stack', async () => {
    const { last: failed, tag } = await runToEnd('failing');
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({
      status: 'failed',
      attempts: 1,
      error: {
        error: 'TASK_FAILED',
        error_description: 'The ledger could not be read',
        user_message: 'The ledger could not be read',
        error_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      },
    });
    expect(Object.keys(failed.body.error).sort()).toEqual(['error', 'error_description', 'error_id', 'user_message']);
    expectNoInternals(failed, tag);
    // The internal error is in the worker's log under the same error_id.
    await fixture.service.waitForLine((line) => line.includes(failed.body.error.error_id), 'the error_id in the log');
  });

  test('failing with a plain exception: failed, SERVER_ERROR with the generic description and an error_id, no internals', async () => {
    const { last: failed, tag } = await runToEnd('crashing');
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({
      status: 'failed',
      progress: 20,
      error: { error: 'SERVER_ERROR', error_description: expect.any(String), error_id: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
    expectNoInternals(failed, tag);
    await fixture.service.waitForLine((line) => line.includes(failed.body.error.error_id) && line.includes('ledger.db'), 'the cause in the log');
  });
});

describe('ownership', () => {
  test("another user gets 404 for GET and DELETE, exactly as for a task that does not exist; an admin sees it; no token is 401", async () => {
    const ownerToken = tokenFor(uniqueTag('owner'));
    const otherToken = tokenFor(uniqueTag('other'));
    const tag = uniqueTag('owned');
    const { body } = await start('cancellable', tag, ownerToken);
    await fixture.nextRecord('started', tag);

    const missing = await fixture.request('GET', `/tasks/${randomUUID()}`, { token: otherToken });
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('TASK_NOT_FOUND');
    const strip = (reply: HttpReply) => ({ status: reply.status, error: reply.body.error, keys: Object.keys(reply.body).sort() });
    for (const method of ['GET', 'DELETE']) {
      const reply = await fixture.request(method, `/tasks/${body.id}`, { token: otherToken });
      expect(strip(reply)).toEqual(strip(missing));
    }
    const admin = await fixture.request('GET', `/tasks/${body.id}`, { token: tokenFor(uniqueTag('admin'), { data: { role: 'admin' } }) });
    expect(admin).toMatchObject({ status: 202, body: { id: body.id, status: 'running' } });

    for (const [method, url] of [['GET', `/tasks/${body.id}`], ['DELETE', `/tasks/${body.id}`], ['GET', '/tasks']] as const) {
      const anonymous = await fixture.request(method, url);
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error).toBe('AUTHORIZATION_HEADER_MISSING');
    }
    // Still running: the other user's DELETE did nothing.
    expect((await fixture.request('GET', `/tasks/${body.id}`, { token: ownerToken })).body.status).toBe('running');
    const cancelled = await fixture.request('DELETE', `/tasks/${body.id}`, { token: ownerToken });
    expectCancelOfRunningTask(cancelled, body.id);
    await fixture.pollUntil(`/tasks/${body.id}`, ownerToken, finished);
  });

  test("GET /tasks lists the caller's tasks only, newest first, paginated and filterable by status", async () => {
    const token = tokenFor(uniqueTag('lister'));
    const otherToken = tokenFor(uniqueTag('other'));
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await start('quick', uniqueTag('listed'), token)).body.id);
    const othersId = (await start('quick', uniqueTag('not-mine'), otherToken)).body.id as string;
    for (const id of ids) await fixture.pollUntil(`/tasks/${id}`, token, finished);
    const newestFirst = [...ids].reverse();

    const first = await fixture.request('GET', '/tasks?limit=2', { token });
    expect(first.status).toBe(200);
    expect(first.body.tasks.map((task: { id: string }) => task.id)).toEqual(newestFirst.slice(0, 2));
    expect(first.body).toMatchObject({ limit: 2, offset: 0, next_offset: 2 });
    const second = await fixture.request('GET', '/tasks?limit=2&offset=2', { token });
    expect(second.body.tasks.map((task: { id: string }) => task.id)).toEqual(newestFirst.slice(2));
    expect(second.body.next_offset).toBeUndefined();

    const completed = await fixture.request('GET', '/tasks?status=completed', { token });
    expect(completed.body.tasks.map((task: { id: string }) => task.id)).toEqual(newestFirst);
    expect(completed.body.tasks.every((task: { status: string }) => task.status === 'completed')).toBe(true);
    const running = await fixture.request('GET', '/tasks?status=running', { token });
    expect(running.body.tasks).toEqual([]);

    const others = await fixture.request('GET', '/tasks', { token: otherToken });
    expect(others.body.tasks.map((task: { id: string }) => task.id)).toEqual([othersId]);
  });

  test('the task resources are validated by their spec: a bad id or limit is a 400', async () => {
    const token = tokenFor(uniqueTag('user'));
    expect((await fixture.request('GET', '/tasks/not-a-uuid', { token })).body.error).toBe('INVALID_PARAMETER');
    expect((await fixture.request('GET', '/tasks?limit=0', { token })).status).toBe(400);
    expect((await fixture.request('GET', '/tasks?status=sleeping', { token })).status).toBe(400);
  });
});

describe('Idempotency-Key', () => {
  test('the same key twice by the same user: one job, the same id and Location; another user gets a task of their own', async () => {
    const user = uniqueTag('idem');
    const token = tokenFor(user);
    const key = uniqueTag('key');
    const tag = uniqueTag('idem-task');
    const first = await start('quick', tag, token, { 'Idempotency-Key': key });
    const again = await start('quick', tag, token, { 'Idempotency-Key': key });
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('location')).toBe(first.headers.get('location'));

    await fixture.pollUntil(`/tasks/${first.body.id}`, token, finished);
    const listed = await fixture.request('GET', '/tasks', { token });
    expect(listed.body.tasks.map((task: { id: string }) => task.id)).toEqual([first.body.id]);
    const jobs = await fixture.queue.getJobs(['completed', 'waiting', 'active', 'delayed', 'failed']);
    expect(jobs.filter((job) => job.returnvalue?.tag === tag)).toHaveLength(1);

    const other = await start('quick', tag, tokenFor(uniqueTag('idem-other')), { 'Idempotency-Key': key });
    expect(other.body.id).not.toBe(first.body.id);
    const fresh = await start('quick', tag, token, { 'Idempotency-Key': uniqueTag('key') });
    expect(fresh.body.id).not.toBe(first.body.id);
  });
});
