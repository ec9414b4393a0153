// deepMerge: lay an env overlay over the base config (objects merged, arrays and scalars replaced).

/** A plain object as parsed from YAML (not an array, a Date or null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A new object: `overlay` laid over `base`. Plain objects are merged key by key, recursively; anything else
 * in `overlay` (arrays, scalars, null) replaces the base value. Neither input is modified.
 * Keys such as `__proto__` are copied as own properties, never as prototypes.
 *
 * @example
 * deepMerge({ async: { prefix: 'a', redis_url: 'x' } }, { async: { prefix: 'b' } })
 * // → { async: { prefix: 'b', redis_url: 'x' } }
 */
export function deepMerge(base: Record<string, unknown>, overlay: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(base)) define(out, key, value);
  for (const [key, value] of Object.entries(overlay)) {
    const current = Object.hasOwn(out, key) ? out[key] : undefined;
    define(out, key, isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value);
  }
  return out;
}

function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
