// The tagged JSON encoding of task arguments: tag names and path helpers shared by both directions.
//
// A JSON value encodes itself, except that an object holding the tag key `$pym` is a tagged value:
//   { $pym: 'undefined' }                       undefined (in arrays and objects too)
//   { $pym: 'number', v: 'NaN' | 'Infinity' | '-Infinity' | '-0' }
//   { $pym: 'bigint', v: '-123' }               decimal digits
//   { $pym: 'date', v: 1700000000000 }          epoch milliseconds
//   { $pym: 'map', v: [[key, value], ...] }     keys and values encoded
//   { $pym: 'set', v: [value, ...] }
//   { $pym: 'buffer', v: 'base64' }             a Buffer
//   { $pym: 'bytes', v: 'base64' }              a plain Uint8Array
//   { $pym: 'object', v: {...}, proto?: null }  a plain object whose own keys include `$pym`, or
//                                               whose prototype is null (the keys of v are literal)
//   { $pym: 'model', name: 'Profile', v: ... }  a model instance: v is its encoded ModelCodec.toJSON

/** The key that marks a tagged value. */
export const TAG = '$pym';

/** Every tag, with the other keys its object carries. */
export const TAG_KEYS = {
  undefined: [],
  number: ['v'],
  bigint: ['v'],
  date: ['v'],
  map: ['v'],
  set: ['v'],
  buffer: ['v'],
  bytes: ['v'],
  object: ['v', 'proto'],
  model: ['name', 'v'],
} as const satisfies Record<string, readonly string[]>;

/** The name of a tag. */
export type TagName = keyof typeof TAG_KEYS;

/** Special numbers JSON cannot hold, by their encoded name. */
export const SPECIAL_NUMBERS: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  '-Infinity': Number.NEGATIVE_INFINITY,
  '-0': -0,
};

/** Set an own enumerable property, even `__proto__` (plain assignment would change the prototype). */
export function setOwn(target: object, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    (target as Record<string, unknown>)[key] = value;
  }
}

/** The path of a property: `args[0].name`, or `args[0]["a b"]` when the key is not an identifier. */
export function propertyPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** The path of an array element: `args[0][2]`. */
export function indexPath(path: string, index: number): string {
  return `${path}[${index}]`;
}

/** The path of a Map value: `args[1] (Map value for key "x")`, or `(Map value of entry #3)` for object keys. */
export function mapValuePath(path: string, key: unknown, entry: number): string {
  const shown = describeKey(key);
  return shown === undefined ? `${path} (Map value of entry #${entry})` : `${path} (Map value for key ${shown})`;
}

/** The path of a Map key: `args[1] (Map key of entry #3)`. */
export function mapKeyPath(path: string, entry: number): string {
  return `${path} (Map key of entry #${entry})`;
}

/** The path of a Set element: `args[1] (Set entry #3)`. */
export function setEntryPath(path: string, entry: number): string {
  return `${path} (Set entry #${entry})`;
}

function describeKey(key: unknown): string | undefined {
  switch (typeof key) {
    case 'string':
      return JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key);
    case 'number':
      return Object.is(key, -0) ? '-0' : String(key);
    case 'bigint':
      return `${key}n`;
    case 'boolean':
    case 'undefined':
      return String(key);
    default:
      return key === null ? 'null' : undefined;
  }
}
