// The report task through a real BullMQ worker on Redis (async.redis_url), under a key prefix of this test's own that
// close() deletes. Opt-in, so that `npm test` needs no Redis: run it with `PYM_TEST_REDIS=1 npm test`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTestApp } from '@pym/framework/testing';

const enabled = process.env.PYM_TEST_REDIS === '1';

test(
  'a report task runs in a worker on Redis and completes',
  { skip: enabled ? false : 'needs Redis: run PYM_TEST_REDIS=1 npm test (uses async.redis_url)' },
  async () => {
    const app = await createTestApp({ tasks: 'worker' });
    try {
      const res = await app.post('/v1/reports', { topic: 'tasks on redis' }, { token: app.tokenFor('ada') });
      assert.equal(res.status, 202);
      const done = await app.waitForTask(res.body);
      assert.equal(done.status, 'completed');
      assert.deepEqual(done.result, { topic: 'tasks on redis', words: 3 });
      // The task resource over HTTP reads the same status from Redis.
      const status = await app.get(`/tasks/${res.body.id}`, { token: app.tokenFor('ada') });
      assert.equal(status.body.status, 'completed');
    } finally {
      await app.close();
    }
  },
);
