// deserializeArgs: the exact inverse of serializeArgs, run by the worker on an opened envelope.
import type { Json } from './json';
import type { ModelCodec } from './model-codec';
import {
  SPECIAL_NUMBERS,
  TAG,
  TAG_KEYS,
  type TagName,
  indexPath,
  mapKeyPath,
  mapValuePath,
  propertyPath,
  setEntryPath,
  setOwn,
} from './args-encoding';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const INTEGER = /^-?(?:0|[1-9]\d*)$/;

/**
 * Rebuild task arguments from the JSON made by `serializeArgs`: same types, model instances
 * rebuilt through `codec.fromJSON` (so `instanceof` and model methods work).
 *
 * @throws Error for a malformed encoding. The envelope was sealed by pym, so this means a version
 *   mismatch or a bug, never a user mistake; a model name `codec` does not know also ends here.
 */
export function deserializeArgs(json: Json, codec: ModelCodec): unknown[] {
  if (!Array.isArray(json)) throw malformed('args', 'an array of arguments was expected');
  try {
    return json.map((arg) => decode(arg, '', codec, false));
  } catch {
    // Paths are built only to say where the problem is: decode again, naming each value on the way.
    return json.map((arg, i) => decode(arg, `args[${i}]`, codec, true));
  }
}

function decode(json: unknown, path: string, codec: ModelCodec, paths: boolean): unknown {
  if (json === null || typeof json === 'string' || typeof json === 'boolean') return json;
  if (typeof json === 'number') {
    if (!Number.isFinite(json)) throw malformed(path, 'a JSON number must be finite');
    return json;
  }
  if (Array.isArray(json)) {
    const out = new Array<unknown>(json.length);
    for (let i = 0; i < json.length; i++) out[i] = decode(json[i], paths ? indexPath(path, i) : path, codec, paths);
    return out;
  }
  if (typeof json !== 'object') throw malformed(path, `${typeof json} is not a JSON value`);
  const record = json as Record<string, unknown>;
  if (!Object.prototype.hasOwnProperty.call(record, TAG)) return decodeEntries(record, {}, path, codec, paths);
  return decodeTagged(record, path, codec, paths);
}

function decodeEntries(
  record: Record<string, unknown>,
  target: Record<string, unknown>,
  path: string,
  codec: ModelCodec,
  paths: boolean,
): Record<string, unknown> {
  for (const key of Object.keys(record)) setOwn(target, key, decode(record[key], paths ? propertyPath(path, key) : path, codec, paths));
  return target;
}

function decodeTagged(record: Record<string, unknown>, path: string, codec: ModelCodec, paths: boolean): unknown {
  const tag = record[TAG];
  if (typeof tag !== 'string' || !Object.prototype.hasOwnProperty.call(TAG_KEYS, tag)) {
    throw malformed(path, `unknown tag ${JSON.stringify(tag)}`);
  }
  const allowed: readonly string[] = TAG_KEYS[tag as TagName];
  const extra = Object.keys(record).find((key) => key !== TAG && !allowed.includes(key));
  if (extra !== undefined) throw malformed(path, `unexpected key ${JSON.stringify(extra)} in a "${tag}" value`);
  const v = record.v;
  switch (tag as TagName) {
    case 'undefined':
      return undefined;
    case 'number':
      if (typeof v !== 'string' || !Object.prototype.hasOwnProperty.call(SPECIAL_NUMBERS, v)) {
        throw malformed(path, 'a "number" value must be NaN, Infinity, -Infinity or -0');
      }
      return SPECIAL_NUMBERS[v];
    case 'bigint':
      if (typeof v !== 'string' || !INTEGER.test(v)) throw malformed(path, 'a "bigint" value must be decimal digits');
      return BigInt(v);
    case 'date':
      if (typeof v !== 'number' || Number.isNaN(new Date(v).getTime())) {
        throw malformed(path, 'a "date" value must be a valid time');
      }
      return new Date(v);
    case 'buffer':
      return Buffer.from(base64(v, path), 'base64');
    case 'bytes':
      return new Uint8Array(Buffer.from(base64(v, path), 'base64'));
    case 'map':
      return decodeMap(v, path, codec, paths);
    case 'set': {
      if (!Array.isArray(v)) throw malformed(path, 'a "set" value must be an array');
      return new Set(v.map((item, i) => decode(item, paths ? setEntryPath(path, i) : path, codec, paths)));
    }
    case 'object':
      return decodeObject(record, path, codec, paths);
    case 'model':
      return decodeModel(record, path, codec, paths);
  }
}

function decodeMap(v: unknown, path: string, codec: ModelCodec, paths: boolean): Map<unknown, unknown> {
  if (!Array.isArray(v)) throw malformed(path, 'a "map" value must be an array of entries');
  const map = new Map<unknown, unknown>();
  v.forEach((entry: unknown, i) => {
    if (!Array.isArray(entry) || entry.length !== 2) {
      throw malformed(path, `map entry #${i} must be a [key, value] pair`);
    }
    const key = decode(entry[0], paths ? mapKeyPath(path, i) : path, codec, paths);
    map.set(key, decode(entry[1], paths ? mapValuePath(path, key, i) : path, codec, paths));
  });
  return map;
}

function decodeObject(record: Record<string, unknown>, path: string, codec: ModelCodec, paths: boolean): Record<string, unknown> {
  const v = record.v;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw malformed(path, 'an "object" value must hold an object');
  }
  if ('proto' in record && record.proto !== null) throw malformed(path, 'an "object" value\'s proto can only be null');
  const target: Record<string, unknown> = 'proto' in record ? Object.create(null) : {};
  return decodeEntries(v as Record<string, unknown>, target, path, codec, paths);
}

function decodeModel(record: Record<string, unknown>, path: string, codec: ModelCodec, paths: boolean): unknown {
  const name = record.name;
  if (typeof name !== 'string' || name === '') throw malformed(path, 'a "model" value must have a name');
  if (!('v' in record)) throw malformed(path, 'a "model" value must have data');
  const data = decode(record.v, path, codec, paths);
  try {
    return codec.fromJSON(name, data);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new Error(`Task argument ${path}: cannot rebuild model ${name}: ${reason}`, { cause });
  }
}

function base64(v: unknown, path: string): string {
  if (typeof v !== 'string' || !BASE64.test(v)) throw malformed(path, 'binary data must be base64');
  return v;
}

function malformed(path: string, reason: string): Error {
  return new Error(`Malformed task arguments at ${path}: ${reason}`);
}
