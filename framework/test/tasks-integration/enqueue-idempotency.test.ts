// Idempotency-Key at enqueue, in-process against the real Redis: one key per (user, task, key), a key whose
// enqueue failed is released, so that the client's retry enqueues instead of getting the id of a task that
// never existed, and a key still held by such a task (its release failed too) is not answered with. The failing queue is real: a Redis ACL user that may SET and DEL but not run scripts (BullMQ's
// add is a Lua script), removed afterwards. Another user may touch the queue's keys and the idempotency keys but
// not the owners' lists: its listing fails while its add succeeds.
import { randomUUID } from 'node:crypto';
import { asyncTask, taskRef } from '@pym/framework';
import IORedis from 'ioredis';
import { runWithContext } from '../../src/context/request-context';
import { ownerTaskIds, taskKeys, writeCancelMarker } from '../../src/tasks/task-owner-index';
import { createTaskFixture, enqueueAsScript, MAIN_REDIS_URL, stopEnqueuingAsScript, type TaskFixture } from './tasks-harness';

const admin = new IORedis(MAIN_REDIS_URL);
const aclUser = `pym-test-${randomUUID()}`;
const aclPassword = randomUUID();
const unlistedUser = `pym-test-${randomUUID()}`;
let working: TaskFixture;
let scriptless: TaskFixture;
let unlistable: TaskFixture;

beforeAll(async () => {
  await admin.call('ACL', 'SETUSER', aclUser, 'on', `>${aclPassword}`, '~*', '&*', '+@all', '-@scripting');
  working = createTaskFixture();
  scriptless = createTaskFixture({ async: { redis_url: `redis://${aclUser}:${aclPassword}@127.0.0.1:6379`, enqueue_timeout: 1000 } });
  unlistable = createTaskFixture({ async: { redis_url: `redis://${unlistedUser}:${aclPassword}@127.0.0.1:6379` } });
  // The cancel markers too: a repeated key reads its task's marker (a task cancelled before it ran stays the answer).
  const keys = [`~${unlistable.prefix}:tasks:*`, `~${unlistable.prefix}:pym:tasks:idempotency:*`, `~${unlistable.prefix}:pym:tasks:cancelled:*`];
  await admin.call('ACL', 'SETUSER', unlistedUser, 'on', `>${aclPassword}`, ...keys, '&*', '+@all');
});

afterAll(async () => {
  await stopEnqueuingAsScript();
  await Promise.all([working?.close(), scriptless?.close(), unlistable?.close()]);
  await admin.call('ACL', 'DELUSER', aclUser, unlistedUser);
  admin.disconnect();
});

const PLACE = `Orders.place-${randomUUID()}`;

class Orders {
  @asyncTask({ name: PLACE })
  static async place(_n: number): Promise<void> {}

  @asyncTask({ name: `Orders.refund-${randomUUID()}` })
  static async refund(_n: number): Promise<void> {}
}

const requestWithKey = (owner: string, idempotencyKey: string) => ({ requestId: `req-${randomUUID()}`, method: 'POST', url: '/orders', claims: { sub: owner }, idempotencyKey });

test('the same key: one task per (user, task); another task or another user gets its own', async () => {
  await stopEnqueuingAsScript();
  enqueueAsScript(working);
  const [ada, bob] = [`ada-${randomUUID()}`, `bob-${randomUUID()}`];
  const first = await runWithContext(requestWithKey(ada, 'k-1'), () => taskRef(Orders.place(1)));
  const again = await runWithContext(requestWithKey(ada, 'k-1'), () => taskRef(Orders.place(2)));
  const otherTask = await runWithContext(requestWithKey(ada, 'k-1'), () => taskRef(Orders.refund(1)));
  const otherUser = await runWithContext(requestWithKey(bob, 'k-1'), () => taskRef(Orders.place(1)));
  expect(again.id).toBe(first.id);
  expect(new Set([first.id, otherTask.id, otherUser.id]).size).toBe(3);
  expect(await working.queue().getJobCountByTypes('wait', 'delayed')).toBe(3);
});

test('a key whose enqueue failed (503) is released: nothing is left in Redis for it', async () => {
  await stopEnqueuingAsScript();
  const config = enqueueAsScript(scriptless);
  const owner = `ada-${randomUUID()}`;
  const call = runWithContext(requestWithKey(owner, 'k-failed'), () => taskRef(Orders.place(1)));
  await expect(call).rejects.toMatchObject({ code: 'TASK_QUEUE_UNAVAILABLE', status: 503 });
  // The key was claimed (SET is allowed), then released when the add failed; no job either.
  expect(await working.redis.exists(taskKeys.idempotency(config.async.prefix, owner, PLACE, 'k-failed'))).toBe(0);
  const left = await working.redis.keys(`${scriptless.prefix}:*`);
  expect(left.filter((key) => key !== `${scriptless.prefix}:tasks:meta`)).toEqual([]); // BullMQ's queue metadata aside
});

test('a task whose listing failed (its add succeeded) is enqueued, reachable by id, only missing from its owner\'s list', async () => {
  await stopEnqueuingAsScript();
  const config = enqueueAsScript(unlistable);
  const owner = `ada-${randomUUID()}`;
  // Before: 503 and the key released, although the job existed: the client's retry started the task twice.
  const ref = await runWithContext(requestWithKey(owner, 'k-unlisted'), () => taskRef(Orders.place(1)));
  expect((await unlistable.job(ref.id)).name).toBe(PLACE);
  expect(await ownerTaskIds(working.redis, config.async.prefix, owner, 10)).toEqual([]);
  const again = await runWithContext(requestWithKey(owner, 'k-unlisted'), () => taskRef(Orders.place(2)));
  expect(again.id).toBe(ref.id);
});

describe('a key held by a task that is not in Redis (its request claimed the key, then its add failed or was lost)', () => {
  const keep = 86_400; // async.keep_finished of the fixture: a claim lives that long
  const claimOf = (config: { async: { prefix: string } }, owner: string, key: string) => taskKeys.idempotency(config.async.prefix, owner, PLACE, key);

  test('a young claim is not answered with (its id would lead nowhere): 503, the client retries with the same key', async () => {
    await stopEnqueuingAsScript();
    const config = enqueueAsScript(working);
    const owner = `ada-${randomUUID()}`;
    await working.redis.set(claimOf(config, owner, 'k-young'), 'phantom-id', 'EX', keep);
    const call = runWithContext(requestWithKey(owner, 'k-young'), () => taskRef(Orders.place(1)));
    await expect(call).rejects.toMatchObject({ code: 'TASK_QUEUE_UNAVAILABLE', status: 503 });
    expect(await working.redis.get(claimOf(config, owner, 'k-young'))).toBe('phantom-id');
  });

  test('an abandoned claim (older than the enqueue could take) is taken over: the task is enqueued, and repeats get it', async () => {
    await stopEnqueuingAsScript();
    const config = enqueueAsScript(working);
    const owner = `ada-${randomUUID()}`;
    // Made 10 s ago (its TTL started at async.keep_finished): past ABANDONED_CLAIM_MS and twice enqueue_timeout.
    await working.redis.set(claimOf(config, owner, 'k-abandoned'), 'phantom-id', 'EX', keep - 10);
    const ref = await runWithContext(requestWithKey(owner, 'k-abandoned'), () => taskRef(Orders.place(1)));
    expect(ref.id).not.toBe('phantom-id');
    expect((await working.job(ref.id)).name).toBe(PLACE);
    expect(await working.redis.get(claimOf(config, owner, 'k-abandoned'))).toBe(ref.id);
    const again = await runWithContext(requestWithKey(owner, 'k-abandoned'), () => taskRef(Orders.place(2)));
    expect(again.id).toBe(ref.id);
  });

  test('a claim whose queued task was cancelled (job removed, cancel marker kept) still answers with that task', async () => {
    await stopEnqueuingAsScript();
    const config = enqueueAsScript(working);
    const owner = `ada-${randomUUID()}`;
    const ref = await runWithContext(requestWithKey(owner, 'k-cancelled'), () => taskRef(Orders.place(1)));
    await writeCancelMarker(working.redis, config.async.prefix, { id: ref.id, name: PLACE, owner, created_at: 0, cancelled_at: 0, removed: true }, 60);
    await (await working.job(ref.id)).remove();
    const again = await runWithContext(requestWithKey(owner, 'k-cancelled'), () => taskRef(Orders.place(2)));
    expect(again.id).toBe(ref.id);
  });
});
