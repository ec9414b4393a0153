// superviseWorkers when a worker process cannot even be spawned (a real spawn failure: an argument list over the
// system's limit, E2BIG): the server process goes on, the failure is logged and retried, and stop() ends it all.
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logging/logger';
import { superviseWorkers } from '../../src/tasks/worker-supervisor';

test('a worker process that fails to spawn is logged and retried, never thrown in the server; stop() resolves', async () => {
  const records: Record<string, any>[] = [];
  let onRecord: () => void = () => undefined;
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      records.push(JSON.parse(chunk.toString()));
      onRecord();
      done();
    },
  });
  const retried = new Promise<void>((resolve) => {
    onRecord = () => {
      if (records.filter((record) => record.msg === 'worker process failed to start; retrying').length >= 2) resolve();
    };
  });
  const supervised = superviseWorkers({ count: 1, args: ['x'.repeat(4 * 1024 * 1024)], logger: createLogger({ destination }), stopTimeout: 1 });
  await retried; // before: spawn threw E2BIG, and from a restart's timer that ends the server process
  expect(records.find((record) => record.msg === 'worker process failed to start; retrying')).toMatchObject({
    level: 50,
    slot: 0,
    err: { message: expect.stringContaining('E2BIG') },
    restartInMs: expect.any(Number),
  });
  expect(supervised.pids()).toEqual([]);
  await supervised.stop();
});
