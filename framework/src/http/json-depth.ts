// The nesting bound of request bodies: a body nested deeper is refused before a recursive schema or model walks it.
import { InvalidParameter } from '../errors/builtin-errors';

/**
 * The deepest nesting of objects and arrays a JSON request body may have (`{}` is 1 deep, `{"a":[]}` 2). A recursive
 * schema is validated, and a recursive model built, by recursion: a 30 KB body nesting 2,000 levels overflowed the
 * stack (a 500) before this bound. Real documents stay far below it (System.Text.Json's default is 64).
 */
export const MAX_JSON_DEPTH = 128;

/**
 * Whether `value` nests objects and arrays deeper than `limit` levels. Iterative (a deep value cannot overflow the
 * stack here), and it stops at the first branch past the limit.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const pending: [object, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (depth > limit) return true;
    for (const child of Object.values(node)) {
      if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
    }
  }
  return false;
}

const TOO_DEEP = `is nested deeper than ${MAX_JSON_DEPTH} levels`;

/** The 400 of a body nested deeper than {@link MAX_JSON_DEPTH}, or undefined when `body` is within it. */
export function tooDeepError(body: unknown): InstanceType<typeof InvalidParameter> | undefined {
  return nestsDeeperThan(body, MAX_JSON_DEPTH) ? tooDeep() : undefined;
}

/**
 * The same 400 for a stack overflow met while validating a request: a value parsed after pym's check (a multipart
 * field the validator reads as JSON) that a recursive schema walked too deep. Anything else is returned as it is.
 */
export function stackOverflowAsTooDeep(error: unknown): unknown {
  const overflow = error instanceof RangeError && error.message === 'Maximum call stack size exceeded';
  return overflow ? tooDeep(error) : error;
}

function tooDeep(cause?: unknown): InstanceType<typeof InvalidParameter> {
  return new InvalidParameter(`The request body ${TOO_DEEP}`, { cause, errors: [{ path: '/body', message: TOO_DEEP }] });
}
