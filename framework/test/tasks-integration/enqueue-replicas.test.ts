// async.wait_replicas at enqueue, in-process against the real Redis (which has no replica): the call waits for the
// replicas (Redis WAIT) and answers 503 when they do not confirm; the task and its Idempotency-Key stay, so a retry
// gets that task.
import { randomUUID } from 'node:crypto';
import { asyncTask, taskRef } from '@pym/framework';
import { runWithContext } from '../../src/context/request-context';
import { replicasToWaitFor } from '../../src/tasks/replica-ack';
import { taskKeys } from '../../src/tasks/task-owner-index';
import { createTaskFixture, enqueueAsScript, stopEnqueuingAsScript, type TaskFixture } from './tasks-harness';

let fixture: TaskFixture;

beforeAll(() => {
  fixture = createTaskFixture({ async: { wait_replicas: 1, enqueue_timeout: 600 } });
});

afterAll(async () => {
  await stopEnqueuingAsScript();
  await fixture?.close();
});

const SHIP = `Parcels.ship-${randomUUID()}`;

class Parcels {
  @asyncTask({ name: SHIP })
  static async ship(_n: number): Promise<void> {}
}

test('wait_replicas defaults to 1 on a Sentinel group and 0 elsewhere; a set value wins', () => {
  const config = (redis_url: string, wait_replicas?: number) => ({ async: { redis_url, wait_replicas } }) as Parameters<typeof replicasToWaitFor>[0];
  expect(replicasToWaitFor(config('redis+sentinel://s1:26379/m'))).toBe(1);
  expect(replicasToWaitFor(config('rediss+sentinel://s1:26379/m', 2))).toBe(2);
  expect(replicasToWaitFor(config('redis://127.0.0.1:6379'))).toBe(0);
  expect(replicasToWaitFor(config('redis+cluster://n1:7000'))).toBe(0);
});

test('no replica confirms within half the enqueue_timeout: 503; the task and its key stay, so a retry answers for that task (503 again while no replica confirms) and adds nothing', async () => {
  const config = enqueueAsScript(fixture);
  const owner = `ada-${randomUUID()}`;
  const request = { requestId: `req-${randomUUID()}`, method: 'POST', url: '/parcels', claims: { sub: owner }, idempotencyKey: 'k-1' };
  const startedAt = Date.now();
  await expect(runWithContext(request, () => taskRef(Parcels.ship(1)))).rejects.toMatchObject({ code: 'TASK_QUEUE_UNAVAILABLE', status: 503 });
  expect(Date.now() - startedAt).toBeGreaterThanOrEqual(300); // WAIT ran for its timeout
  const held = await fixture.redis.get(taskKeys.idempotency(config.async.prefix, owner, SHIP, 'k-1'));
  expect((await fixture.job(held!)).name).toBe(SHIP);
  await expect(runWithContext(request, () => taskRef(Parcels.ship(1)))).rejects.toMatchObject({ code: 'TASK_QUEUE_UNAVAILABLE' });
  expect(await fixture.queue().getJobCountByTypes('wait')).toBe(1);
});
