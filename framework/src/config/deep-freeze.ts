// deepFreeze: make a loaded config immutable, nested objects and arrays included.

/**
 * Freeze `value` and everything reachable from it (shared or cyclic references included), then return it.
 * In strict mode (every TypeScript module) assigning to a frozen property throws a TypeError.
 */
export function deepFreeze<T>(value: T, seen: Set<object> = new Set()): T {
  if (value === null || typeof value !== 'object' || seen.has(value)) return value;
  seen.add(value);
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key], seen);
  return Object.freeze(value);
}
