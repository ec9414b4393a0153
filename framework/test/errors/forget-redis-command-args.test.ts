// What pym hands on of a Redis error: the command's name, never its arguments. The error is a real one: a
// connection with a wrong password, whose HELLO command ioredis attaches to the error with the password in it.
import { randomUUID } from 'node:crypto';
import IORedis from 'ioredis';
import { forgetRedisCommandArgs } from '../../src/errors/forget-redis-command-args';
import { TaskQueueUnavailable } from '../../src/tasks/task-errors';
import { reportSafely, type ErrorReport } from '../../src/errors/report-error';
import { createLogger } from '../../src/logging/logger';

const admin = new IORedis('redis://127.0.0.1:6379');
const user = `pym-test-${randomUUID()}`;
const wrongPassword = `wrong-${randomUUID()}`;

beforeAll(() => admin.call('ACL', 'SETUSER', user, 'on', `>${randomUUID()}`, '~*', '+@all'));
afterAll(async () => {
  await admin.call('ACL', 'DELUSER', user);
  admin.disconnect();
});

/** The error ioredis emits for a refused password. */
async function wrongPasswordError(): Promise<Error & { command?: unknown }> {
  const redis = new IORedis({ host: '127.0.0.1', port: 6379, username: user, password: wrongPassword, retryStrategy: () => null });
  const [error] = (await new Promise((resolve) => redis.once('error', (...args) => resolve(args)))) as [Error];
  redis.disconnect();
  return error;
}

test('the command of the error, of its causes, of the errors it aggregates and of its error fields keeps its name only', async () => {
  const [direct, caused, aggregated, field] = await Promise.all([wrongPasswordError(), wrongPasswordError(), wrongPasswordError(), wrongPasswordError()]);
  expect(direct.command).toEqual({ name: 'hello', args: expect.arrayContaining([wrongPassword]) });
  const wrapper = new TaskQueueUnavailable('The task queue refused X', { cause: new Error('outer', { cause: caused }) });
  const aggregate = new AggregateError([aggregated], 'several');
  const withField = Object.assign(new Error('with a field'), { original: field });
  for (const error of [direct, wrapper, aggregate, withField]) forgetRedisCommandArgs(error);
  for (const error of [direct, caused, aggregated, field]) expect(error.command).toEqual({ name: 'hello' });
  expect(JSON.stringify([direct, caused, aggregated, field].map((error) => error.command))).not.toContain(wrongPassword);
});

test('the reportError hook (often shipped to Sentry) never receives the password of a refused Redis connection', async () => {
  const cause = await wrongPasswordError();
  const error = new TaskQueueUnavailable('The task queue refused X', { cause });
  const received: ErrorReport[] = [];
  const report: ErrorReport = { errorId: randomUUID(), code: error.code, status: error.status, message: error.message, error, cause };
  reportSafely((sent) => void received.push(sent), report, createLogger({ level: 'silent' }));
  expect(received).toHaveLength(1);
  expect(received[0]!.cause).toMatchObject({ message: expect.stringContaining('WRONGPASS'), command: { name: 'hello' } });
  expect(JSON.stringify(received[0]!.cause)).not.toContain(wrongPassword);
  expect(JSON.stringify((received[0]!.cause as { command: unknown }).command)).toBe('{"name":"hello"}');
});
