// The nesting bound of request bodies: a body nested deeper is refused before a recursive schema or model walks it.

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
