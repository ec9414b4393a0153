// Idempotency-Key at enqueue, in-process against the real Redis: one key per (user, task, key), and a key whose
// enqueue failed is released, so that the client's retry enqueues instead of getting the id of a task that
// never existed. The failing queue is real: a Redis ACL user that may SET and DEL but not run scripts (BullMQ's
// add is a Lua script), removed afterwards. Another user may touch the queue's keys and the idempotency keys but
// not the owners' lists: its listing fails while its add succeeds.
import { randomUUID } from 'node:crypto';
import { asyncTask, taskRef } from '@pym/framework';
import IORedis from 'ioredis';
import { runWithContext } from '../../src/context/request-context';
import { ownerTaskIds, taskKeys } from '../../src/tasks/task-owner-index';
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
