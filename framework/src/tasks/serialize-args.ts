// serializeArgs: turn a task's arguments into tagged JSON, or say exactly which argument cannot travel.
import { TaskArgumentInvalid } from './task-errors';
import type { Json, JsonObject } from './json';
import type { ModelCodec } from './model-codec';
import {
  TAG,
  indexPath,
  mapKeyPath,
  mapValuePath,
  propertyPath,
  setEntryPath,
  setOwn,
} from './args-encoding';

export type { Json } from './json';
export type { ModelCodec } from './model-codec';

/** Options of serializeArgs. */
export interface SerializeArgsOptions {
  /**
   * Largest size, in bytes of JSON text, of the encoded arguments.
   * @defaultValue 524288 (512 KiB)
   */
  maxBytes?: number;
}

/** Default of {@link SerializeArgsOptions.maxBytes}: 512 KiB. */
export const DEFAULT_MAX_ARGS_BYTES = 512 * 1024;

/** Deepest nesting of arrays, objects, maps, sets and models accepted in task arguments. */
export const MAX_ARGS_DEPTH = 64;

const SUPPORTED =
  'task arguments may be JSON values, undefined, Date, BigInt, Map, Set, Buffer, Uint8Array or model instances';

/**
 * Encode a task's arguments as JSON that {@link deserializeArgs} turns back into the same types:
 * primitives (NaN, ±Infinity, -0 and undefined included), arrays, plain objects, Date, BigInt,
 * Map, Set, Buffer, Uint8Array and model instances (recognised by `codec`) at any depth.
 * A shared (non-circular) reference is encoded once per occurrence.
 *
 * @throws TaskArgumentInvalid (`TASK_ARGUMENT_INVALID`) naming the argument's path, for a function,
 *   a symbol, a circular reference, an instance of a class that is not a model, nesting deeper than
 *   64 levels, or an encoding over `maxBytes`.
 * @example
 * const json = serializeArgs([profile, 'fr', new Date()], codec);
 * // [{ $pym: 'model', name: 'Profile', v: {...} }, 'fr', { $pym: 'date', v: 1700000000000 }]
 */
export function serializeArgs(args: readonly unknown[], codec: ModelCodec, options: SerializeArgsOptions = {}): Json[] {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_ARGS_BYTES;
  try {
    return encodeArgs(args, new Encoder(codec, maxBytes, false));
  } catch (error) {
    // Paths are built only to say where the problem is: encode again, naming each value on the way.
    if (error instanceof TaskArgumentInvalid) return encodeArgs(args, new Encoder(codec, maxBytes, true));
    throw error;
  }
}

function encodeArgs(args: readonly unknown[], encoder: Encoder): Json[] {
  const encoded = Array.from(args, (arg, i) => encoder.encode(arg, encoder.paths ? `args[${i}]` : '', 0));
  // The exact size only when the bound could pass the limit (the bound holds for any JSON.stringify of it).
  if (encoder.bytesAtMost > encoder.maxBytes) {
    const bytes = Buffer.byteLength(JSON.stringify(encoded), 'utf8');
    if (bytes > encoder.maxBytes) throw tooBig(`${bytes} bytes`, encoder.maxBytes);
  }
  return encoded;
}

function tooBig(size: string, maxBytes: number): Error {
  return new TaskArgumentInvalid(`Task arguments are ${size}, over the ${formatBytes(maxBytes)} limit: pass ids and let the task load the data instead`);
}

class Encoder {
  /** Objects being encoded on the current branch, with their paths: a second visit is a cycle. */
  private readonly ancestors = new Map<object, string>();
  /** Values encoded so far: each takes at least a byte of JSON, so more than maxBytes of them is over the limit. */
  private values = 0;
  /**
   * An upper bound of the encoding's size in UTF-8 bytes of JSON: 6 per UTF-16 unit of a string or key (`\u001f`
   * at worst), and 64 per value for its punctuation, tags and digits (a number is at most 24 characters).
   */
  bytesAtMost = 0;

  constructor(
    private readonly codec: ModelCodec,
    readonly maxBytes: number,
    /** Build each value's path (`args[0].name`) for the error messages; false on the first, fast, pass. */
    readonly paths: boolean,
  ) {}

  encode(value: unknown, path: string, depth: number): Json {
    // Stops early an argument whose shared references (encoded once per occurrence) would grow exponentially.
    if (++this.values > this.maxBytes) throw tooBig(`more than ${this.maxBytes} values`, this.maxBytes);
    this.bytesAtMost += 64;
    switch (typeof value) {
      case 'string':
        this.bytesAtMost += 6 * value.length;
        return value;
      case 'boolean':
        return value;
      case 'number':
        return encodeNumber(value);
      case 'undefined':
        return { [TAG]: 'undefined' };
      case 'bigint': {
        const digits = value.toString();
        this.bytesAtMost += digits.length;
        return { [TAG]: 'bigint', v: digits };
      }
      case 'function':
        return invalid(path, value.name ? `a function (${value.name})` : 'a function');
      case 'symbol':
        return invalid(path, `a symbol (${value.toString()})`);
      default:
        return value === null ? null : this.encodeObject(value as object, path, depth);
    }
  }

  private encodeObject(value: object, path: string, depth: number): Json {
    if (depth >= MAX_ARGS_DEPTH) {
      return invalid(path, `nested more than ${MAX_ARGS_DEPTH} levels deep`, false);
    }
    const seenAt = this.ancestors.get(value);
    if (seenAt !== undefined) return invalid(path, `a circular reference to ${seenAt}`, false);
    this.ancestors.set(value, path);
    try {
      return this.encodeContainer(value, path, depth + 1);
    } finally {
      this.ancestors.delete(value);
    }
  }

  private encodeContainer(value: object, path: string, depth: number): Json {
    const model = this.codec.nameOf(value);
    if (model !== undefined) {
      let data: unknown;
      try {
        data = this.codec.toJSON(value);
      } catch (cause) {
        // A field set to what its schema cannot hold (an unsafe int64, an invalid Date…).
        return invalid(path, `a ${model} that cannot be serialized (${(cause as Error).message})`, false);
      }
      this.bytesAtMost += 6 * model.length;
      return { [TAG]: 'model', name: model, v: this.encode(data, path, depth) };
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto === Array.prototype) {
      const array = value as unknown[];
      const out: Json[] = new Array<Json>(array.length);
      for (let i = 0; i < array.length; i++) out[i] = this.encode(array[i], this.paths ? indexPath(path, i) : path, depth);
      return out;
    }
    if (proto === Object.prototype || proto === null) return this.encodePlainObject(value, proto, path, depth);
    if (proto === Date.prototype) {
      const time = (value as Date).getTime();
      return Number.isNaN(time) ? invalid(path, 'an invalid Date', false) : { [TAG]: 'date', v: time };
    }
    if (Buffer.isBuffer(value)) return { [TAG]: 'buffer', v: this.base64(value) };
    if (proto === Uint8Array.prototype) {
      const bytes = value as Uint8Array;
      return { [TAG]: 'bytes', v: this.base64(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)) };
    }
    if (proto === Map.prototype) {
      const entries: Json[] = [];
      let entry = 0;
      for (const [k, v] of value as Map<unknown, unknown>) {
        const key = this.encode(k, this.paths ? mapKeyPath(path, entry) : path, depth);
        entries.push([key, this.encode(v, this.paths ? mapValuePath(path, k, entry) : path, depth)]);
        entry++;
      }
      return { [TAG]: 'map', v: entries };
    }
    if (proto === Set.prototype) {
      const items: Json[] = [];
      for (const item of value as Set<unknown>) items.push(this.encode(item, this.paths ? setEntryPath(path, items.length) : path, depth));
      return { [TAG]: 'set', v: items };
    }
    return invalid(path, describeInstance(value, proto));
  }

  private base64(bytes: Buffer): string {
    const text = bytes.toString('base64');
    this.bytesAtMost += text.length;
    return text;
  }

  private encodePlainObject(value: object, proto: unknown, path: string, depth: number): Json {
    const isEnumerable = (symbol: symbol) => Object.prototype.propertyIsEnumerable.call(value, symbol);
    const symbols = Object.getOwnPropertySymbols(value).filter(isEnumerable);
    if (symbols.length > 0) return invalid(path, `an object with a symbol key (${symbols[0].toString()})`);
    const out: JsonObject = {};
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(value)) {
      this.bytesAtMost += 6 * key.length;
      setOwn(out, key, this.encode(record[key], this.paths ? propertyPath(path, key) : path, depth));
    }
    if (proto === null) return { [TAG]: 'object', v: out, proto: null };
    return Object.prototype.hasOwnProperty.call(value, TAG) ? { [TAG]: 'object', v: out } : out;
  }
}

/** A number JSON holds as is, or a tag for NaN, ±Infinity and -0. */
function encodeNumber(value: number): Json {
  if (Object.is(value, -0)) return { [TAG]: 'number', v: '-0' };
  return Number.isFinite(value) ? value : { [TAG]: 'number', v: String(value) };
}

function describeInstance(value: object, proto: unknown): string {
  if (value instanceof Promise) return 'a Promise (await it before calling the task)';
  if (value instanceof WeakMap || value instanceof WeakSet) {
    return `a ${value.constructor.name} (its entries cannot be read)`;
  }
  const ctor = (proto as { constructor?: unknown } | null)?.constructor;
  if (typeof ctor === 'function' && ctor.prototype === proto) {
    return `an instance of class ${ctor.name || '(anonymous)'}, which is not a model`;
  }
  return 'an object with a custom prototype, which is not a model';
}

function invalid(path: string, what: string, hint = true): never {
  throw new TaskArgumentInvalid(`Task argument ${path} is ${what}${hint ? `: ${SUPPORTED}` : ''}`, {
    errors: [{ path, message: what }],
  });
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
