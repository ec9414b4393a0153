// Enqueuing in-process against the real Redis: the caller's task list keeps the order of the calls.
import { randomUUID } from 'node:crypto';
import { asyncTask, taskRef } from '@pym/framework';
import { runWithContext } from '../../src/context/request-context';
import { ownerTaskIds } from '../../src/tasks/task-owner-index';
import { createTaskFixture, enqueueAsScript, stopEnqueuingAsScript, type TaskFixture } from './tasks-harness';

let fixture: TaskFixture;

beforeAll(() => {
  fixture = createTaskFixture();
  enqueueAsScript(fixture);
});

afterAll(async () => {
  await stopEnqueuingAsScript();
  await fixture.close();
});

class Listed {
  @asyncTask({ name: `Listed.touch-${randomUUID()}` })
  static async touch(_n: number): Promise<void> {}
}

test('tasks started together (within one millisecond) are listed in call order, newest first', async () => {
  const owner = `user-${randomUUID()}`;
  const context = { requestId: 'req-order', method: 'POST', url: '/order', claims: { sub: owner } };
  // One handler starting a batch: every call is made before the first add is answered.
  const refs = await runWithContext(context, () => Promise.all(Array.from({ length: 12 }, (_, n) => taskRef(Listed.touch(n)))));
  const ids = refs.map((ref) => ref.id);
  expect(await ownerTaskIds(fixture.redis, fixture.prefix, owner, 50)).toEqual([...ids].reverse());
});
