// toWire: turn a handler's result into plain JSON data (models serialized, Dates as ISO strings) before validation.
import { isPlainObject, Model } from './model';
import { ModelValueError } from './model-error';

/**
 * Deep conversion to JSON data: model instances → `toJSON()`, Dates → ISO date-time strings, safe
 * bigints → numbers, objects with a `toJSON` method → its result; arrays and plain objects are walked.
 * Copy on write: a value with nothing to convert is returned as is (same object, no allocation).
 *
 * Without a schema a Date always becomes a date-time; use `toResponseBody` to honour `format: date`.
 *
 * @example
 * toWire({ book: new Book({ title: 'Dune' }), at: new Date(0) });
 * // { book: { title: 'Dune' }, at: '1970-01-01T00:00:00.000Z' }
 */
export function toWire(value: unknown): unknown {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'bigint' ? bigintToNumber(value) : value;
  }
  if (value instanceof Model) return toWire(value.toJSON());
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ModelValueError('an invalid Date cannot be sent as JSON');
    return value.toISOString();
  }
  if (Array.isArray(value)) return walkArray(value);
  if (isPlainObject(value)) return walkObject(value);
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  return typeof toJSON === 'function' ? toWire(toJSON.call(value)) : value;
}

function walkArray(array: unknown[]): unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < array.length; i++) {
    const item = array[i];
    const converted = toWire(item);
    if (converted !== item && !out) out = array.slice(0, i);
    if (out) out.push(converted);
  }
  return out ?? array;
}

function walkObject(object: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const key in object) {
    if (!Object.prototype.hasOwnProperty.call(object, key)) continue;
    const item = object[key];
    const converted = toWire(item);
    if (converted === item) continue;
    out ??= { ...object };
    if (key === '__proto__') Object.defineProperty(out, key, { value: converted, enumerable: true, writable: true, configurable: true });
    else out[key] = converted;
  }
  return out ?? object;
}

function bigintToNumber(value: bigint): number {
  if (value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(value);
  throw new ModelValueError(`bigint ${value} is not a safe integer and cannot be sent as a JSON number`);
}
