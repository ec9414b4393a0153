// What a task's return value is stored as (its result in GET /tasks/{id}): JSON data, or TASK_RESULT_INVALID.
import { isPlainObject } from '../models/model';
import { toWire } from '../models/to-wire';
import { TaskResultInvalid } from './task-errors';

/**
 * The task's return value as JSON data (models serialized, Dates as ISO strings). A value that cannot be stored as
 * it is fails the job without a rerun (the work is done): TASK_RESULT_INVALID naming where in the result.
 */
export function taskResultOf(value: unknown, taskName: string): unknown {
  let wire: unknown;
  try {
    wire = toWire(value);
  } catch (cause) {
    throw new TaskResultInvalid(`Task ${taskName} returned a value that cannot be stored: ${(cause as Error).message}`, { cause });
  }
  const problem = value === undefined ? undefined : notJsonData(wire, 'result');
  if (problem) throw new TaskResultInvalid(`Task ${taskName} returned a value that cannot be stored: ${problem}`);
  return wire;
}

/**
 * What JSON would silently change in a value (a Map or Set becomes {}, NaN null…), or undefined when it is JSON
 * data: plain objects, arrays, strings, finite numbers, booleans, null (an undefined property is left out, and an
 * undefined array item becomes null, as in JSON).
 */
function notJsonData(value: unknown, path: string): string | undefined {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${path} is ${value}, which JSON cannot hold`;
  if (typeof value !== 'object') return `${path} is a ${typeof value}`;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const problem = notJsonData(value[index] ?? null, `${path}[${index}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  if (!isPlainObject(value)) {
    return `${path} is a ${value.constructor?.name || 'object with a custom prototype'}, which JSON would store as its own fields only (a Map or a Set as {}): return plain data`;
  }
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    const problem = notJsonData(item, `${path}.${key}`);
    if (problem) return problem;
  }
  return undefined;
}
