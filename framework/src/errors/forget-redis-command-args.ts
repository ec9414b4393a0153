// ioredis attaches the failed command to its errors, arguments included: an AUTH password, a job's data, a script's
// source. pym drops the arguments before an error reaches a log line or the reportError hook.

/** The part of an error this module reads and rewrites. */
interface WithCommand {
  command?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/**
 * Replace, in place, every Redis command attached to `error`, to its causes, to the errors it aggregates and to its
 * error-valued fields by `{ name }` only.
 */
export function forgetRedisCommandArgs(error: unknown, seen = new Set<object>()): void {
  if (typeof error !== 'object' || error === null || seen.has(error)) return;
  seen.add(error);
  const record = error as WithCommand;
  if (typeof record.command === 'object' && record.command !== null && 'args' in record.command) {
    record.command = { name: (record.command as { name?: unknown }).name };
  }
  forgetRedisCommandArgs(record.cause, seen);
  if (Array.isArray(record.errors)) for (const inner of record.errors) forgetRedisCommandArgs(inner, seen);
  for (const value of Object.values(error)) if (value instanceof Error) forgetRedisCommandArgs(value, seen);
}
