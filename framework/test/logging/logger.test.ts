// createLogger: what a logged error keeps. A failed Redis command comes from a real Redis (ioredis attaches the
// command, arguments included, to the errors it rejects with).
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import IORedis from 'ioredis';
import { createLogger } from '../../src/logging/logger';

const redis = new IORedis('redis://127.0.0.1:6379');
afterAll(() => redis.disconnect());

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger({ destination }), lines };
}

test("a failed Redis command is logged with the error and the command's name, never its arguments", async () => {
  const key = `pym-test-logger-${randomUUID()}`;
  await redis.set(key, 'a string', 'EX', 60);
  const failure = await redis.hset(key, 'field', 'argument-with-user-data-7f3a').then(
    () => undefined,
    (error: Error) => error,
  );
  await redis.del(key);
  expect(failure).toMatchObject({ message: expect.stringContaining('WRONGTYPE'), command: { name: 'hset', args: [key, 'field', 'argument-with-user-data-7f3a'] } });
  const { logger, lines } = capture();
  logger.error({ err: failure }, 'task enqueue failed');
  expect(lines).toHaveLength(1);
  expect(lines[0]).not.toContain('argument-with-user-data-7f3a');
  expect(JSON.parse(lines[0]!).err).toMatchObject({ message: expect.stringContaining('WRONGTYPE'), command: { name: 'hset' } });
});

test('the same inside errors it aggregates and error-valued fields (which pino serializes too)', async () => {
  const key = `pym-test-logger-${randomUUID()}`;
  await redis.set(key, 'a string', 'EX', 60);
  const failures = await Promise.all(['a', 'b'].map((field) => redis.hset(key, field, `user-data-${field}-91c2`).then(() => undefined, (error: Error) => error)));
  await redis.del(key);
  const { logger, lines } = capture();
  logger.error({ err: Object.assign(new AggregateError([failures[0]], 'both failed'), { second: failures[1] }) }, 'batch failed');
  expect(lines[0]).not.toContain('user-data-');
  expect(JSON.parse(lines[0]!).err).toMatchObject({ aggregateErrors: [{ command: { name: 'hset' } }], second: { command: { name: 'hset' } } });
});

test('any other error keeps what pino shows of it: type, message, stack and its own fields', () => {
  const { logger, lines } = capture();
  logger.warn({ err: Object.assign(new RangeError('out of range'), { code: 'E_RANGE' }) }, 'oops');
  expect(JSON.parse(lines[0]!).err).toMatchObject({ type: 'RangeError', message: 'out of range', code: 'E_RANGE', stack: expect.stringContaining('RangeError') });
});
