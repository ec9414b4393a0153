// Compile a schema into a codec: how a value of that schema is decoded from wire JSON and encoded back.
import { bindingOf, isPlainObject, Model, type ModelClass } from './model';
import { describeValue, ModelValueError, within } from './model-error';
import { findModel } from './class-registry';
import {
  nonNullTypes,
  objectShape,
  resolveRef,
  schemaKind,
  schemaRefName,
  singleAllOfMember,
  unionMembers,
  type Schema,
  type SpecDocument,
} from './schema-utils';
import { unionCodec } from './union-codec';
import { dateCodec, dateTimeCodec, int64Codec } from './value-codecs';

/** Converts values of one schema between wire JSON and their in-memory form. null and undefined pass through. */
export interface Codec {
  /** Wire JSON (or an already converted value) → in-memory value: models, Dates. */
  decode(value: unknown): unknown;
  /** In-memory value (or plain data of the same shape) → wire JSON. */
  encode(value: unknown): unknown;
}

/** A codec, or undefined when values of the schema need no conversion at all. */
export type MaybeCodec = Codec | undefined;

/** Stands for a schema being compiled, so that recursive schemas compile (it forwards once known). */
class PendingCodec implements Codec {
  target: MaybeCodec;
  decode(value: unknown): unknown {
    return this.target ? this.target.decode(value) : value;
  }
  encode(value: unknown): unknown {
    return this.target ? this.target.encode(value) : value;
  }
}

let cache = new WeakMap<Schema, MaybeCodec>();
let generation = 0;

/** Forget every compiled codec (internal: the registry changed). */
export function resetCodecs(): void {
  cache = new WeakMap();
  generation++;
}

/** Changes whenever compiled codecs are forgotten: caches of codecs compare it to know they are stale. */
export function codecGeneration(): number {
  return generation;
}

/** The codec of a schema of `document` (compiled once, then cached). */
export function compileSchema(document: SpecDocument, schema: Schema): MaybeCodec {
  if (cache.has(schema)) return cache.get(schema);
  const pending = new PendingCodec();
  cache.set(schema, pending);
  const codec = build(document, schema);
  pending.target = codec;
  cache.set(schema, codec);
  return codec;
}

function build(document: SpecDocument, schema: Schema): MaybeCodec {
  if (typeof schema.$ref === 'string') {
    const cls = findModel(schemaRefName(schema.$ref) ?? '');
    return cls ? modelCodec(cls) : compileSchema(document, resolveRef(document, schema.$ref));
  }
  const kind = schemaKind(document, schema);
  switch (kind) {
    case 'alias':
      return compileSchema(document, singleAllOfMember(schema)!);
    case 'union': {
      const members = unionMembers(schema)!;
      const codecs = members.map((member) => compileSchema(document, member));
      if (codecs.length === 1) return codecs[0];
      return codecs.some(Boolean) ? unionCodec(document, schema, members, codecs) : undefined;
    }
    case 'array':
      return schema.items && typeof schema.items === 'object' ? arrayCodec(compileSchema(document, schema.items)) : undefined;
    case 'map':
      return typeof schema.additionalProperties === 'object' ? mapCodec(compileSchema(document, schema.additionalProperties)) : undefined;
    case 'object':
      return objectCodec(document, schema);
    case 'enum':
    case 'primitive':
      return formatCodec(schema);
    default:
      return undefined;
  }
}

function formatCodec(schema: Schema): MaybeCodec {
  const types = nonNullTypes(schema);
  if (schema.format === 'date-time' && (types.length === 0 || types.includes('string'))) return dateTimeCodec;
  if (schema.format === 'date' && (types.length === 0 || types.includes('string'))) return dateCodec;
  if (schema.format === 'int64' && (types.includes('integer') || types.includes('number'))) return int64Codec;
  return undefined;
}

/** A `$ref` to a model class: builds instances, serializes instances (and plain objects of its shape). */
export function modelCodec(cls: ModelClass): Codec {
  return {
    decode(value) {
      if (value === null || value === undefined || value instanceof Model) return value;
      if (!isPlainObject(value)) throw new ModelValueError(`expected an object for model ${cls.modelName}, got ${describeValue(value)}`);
      return cls.fromJSON(value);
    },
    encode(value) {
      if (value instanceof Model) return value.toJSON();
      if (!isPlainObject(value)) return value;
      const binding = bindingOf(cls);
      return bindingOf(binding.concreteClass(value) ?? cls).encode(value);
    },
  };
}

function arrayCodec(items: MaybeCodec): MaybeCodec {
  if (!items) return undefined;
  const map = (value: unknown, convert: (item: unknown) => unknown): unknown => {
    if (!Array.isArray(value)) return value;
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) {
      try {
        out[i] = value[i] === null || value[i] === undefined ? value[i] : convert(value[i]);
      } catch (error) {
        throw within(error, i);
      }
    }
    return out;
  };
  return {
    decode: (value) => map(value, (item) => items.decode(item)),
    encode: (value) => map(value, (item) => items.encode(item)),
  };
}

function mapCodec(values: MaybeCodec): MaybeCodec {
  if (!values) return undefined;
  const map = (value: unknown, convert: (item: unknown) => unknown): unknown => {
    if (!isPlainObject(value)) return value;
    const out: Record<string, unknown> = { ...value };
    for (const key of Object.keys(out)) convertKey(out, key, convert);
    return out;
  };
  return {
    decode: (value) => map(value, (item) => values.decode(item)),
    encode: (value) => map(value, (item) => values.encode(item)),
  };
}

function convertKey(out: Record<string, unknown>, key: string, convert: (item: unknown) => unknown): void {
  const item = out[key];
  if (item === null || item === undefined) return;
  try {
    const converted = convert(item);
    if (key === '__proto__') Object.defineProperty(out, key, { value: converted, enumerable: true, writable: true, configurable: true });
    else out[key] = converted;
  } catch (error) {
    throw within(error, key);
  }
}

/** An inline (unnamed) object schema: a plain object whose fields are converted, extra keys kept. */
function objectCodec(document: SpecDocument, schema: Schema): MaybeCodec {
  const shape = objectShape(document, schema);
  const fields: Array<[string, Codec]> = [];
  for (const [name, property] of shape.properties) {
    const codec = compileSchema(document, property);
    if (codec) fields.push([name, codec]);
  }
  const extra = typeof shape.additional === 'object' ? compileSchema(document, shape.additional) : undefined;
  if (fields.length === 0 && !extra) return undefined;
  const declared = new Set(shape.properties.map(([name]) => name));
  const map = (value: unknown, direction: 'decode' | 'encode'): unknown => {
    if (!isPlainObject(value)) return value;
    const out: Record<string, unknown> = { ...value };
    for (const [name, codec] of fields) {
      if (Object.prototype.hasOwnProperty.call(out, name)) convertKey(out, name, (item) => codec[direction](item));
    }
    if (extra) {
      for (const key of Object.keys(out)) if (!declared.has(key)) convertKey(out, key, (item) => extra[direction](item));
    }
    return out;
  };
  return { decode: (value) => map(value, 'decode'), encode: (value) => map(value, 'encode') };
}

