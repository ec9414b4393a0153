// taskResultOf: a task's return value as stored for GET /tasks/{id}, or TASK_RESULT_INVALID naming where it breaks.
import { taskResultOf } from '../../src/tasks/task-result';

test('JSON data, Dates and safe bigints are stored as JSON data; undefined stays undefined', () => {
  expect(taskResultOf({ n: 1, at: new Date(0), big: 3n, list: [true, null, 'x'] }, 'T.ok')).toEqual({
    n: 1,
    at: '1970-01-01T00:00:00.000Z',
    big: 3,
    list: [true, null, 'x'],
  });
  expect(taskResultOf(undefined, 'T.ok')).toBeUndefined();
  expect(taskResultOf({ skipped: undefined, kept: 1 }, 'T.ok')).toEqual({ skipped: undefined, kept: 1 });
});

test.each([
  ['a Map', new Map([['a', 1]]), 'result is a Map'],
  ['a Set deep inside', { copies: [{ tags: new Set(['x']) }] }, 'result.copies[0].tags is a Set'],
  ['NaN', { ratio: NaN }, 'result.ratio is NaN, which JSON cannot hold'],
  ['a typed array', new Uint8Array([1]), 'result is a Uint8Array'],
  ['a function', [() => 1], 'result[0] is a function'],
  ['a BigInt beyond 2^53', 2n ** 64n, 'not a safe integer'],
])('%s is TASK_RESULT_INVALID, naming where', (_what, value, reason) => {
  expect(() => taskResultOf(value, 'T.bad')).toThrow(
    expect.objectContaining({ code: 'TASK_RESULT_INVALID', message: expect.stringContaining(reason) }),
  );
});
