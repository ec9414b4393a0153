// oneOf/anyOf: pick the variant a value belongs to (discriminator first, else the first that fits) and convert with it.
import type { Codec, MaybeCodec } from './codec';
import { isPlainObject, Model } from './model';
import {
  deref,
  nonNullTypes,
  objectShape,
  schemaKind,
  schemaRefName,
  singleAllOfMember,
  unionMembers,
  type Schema,
  type SpecDocument,
} from './schema-utils';
import { toWire } from './to-wire';

type Test = (value: unknown) => boolean;

/**
 * The codec of a union. A model instance is kept (decode) or serialized by its own class (encode); any
 * other value goes to the variant named by the `discriminator`, else to the first variant whose type,
 * required properties and enum-valued properties fit; a value no variant fits is left as it is.
 */
export function unionCodec(document: SpecDocument, schema: Schema, members: Schema[], codecs: MaybeCodec[]): Codec {
  const pick = variantPicker(document, schema, members);
  return {
    decode(value) {
      if (value === null || value === undefined || value instanceof Model) return value;
      const codec = codecs[pick(value)];
      return codec ? codec.decode(value) : value;
    },
    encode(value) {
      if (value === null || value === undefined) return value;
      if (value instanceof Model) return value.toJSON();
      const codec = codecs[pick(value)];
      return codec ? codec.encode(value) : toWire(value);
    },
  };
}

/** A function giving the index of the variant of `members` a value belongs to, or -1. */
export function variantPicker(document: SpecDocument, schema: Schema, members: Schema[]): (value: unknown) => number {
  const tests = members.map((member) => variantTest(document, member, new Set()));
  const byTest = (value: unknown): number => tests.findIndex((test) => test(value));
  const discriminator = schema.discriminator;
  if (!discriminator || typeof discriminator.propertyName !== 'string') return byTest;
  const property: string = discriminator.propertyName;
  const byValue = discriminatorIndex(members, discriminator.mapping);
  return (value) => {
    if (isPlainObject(value) && typeof value[property] === 'string') {
      const index = byValue.get(value[property] as string);
      if (index !== undefined) return index;
    }
    return byTest(value);
  };
}

function discriminatorIndex(members: Schema[], mapping: unknown): Map<string, number> {
  const names = members.map((member) => schemaRefName(member.$ref));
  const byValue = new Map<string, number>();
  names.forEach((name, index) => name !== undefined && byValue.set(name, index));
  if (mapping && typeof mapping === 'object') {
    for (const [value, target] of Object.entries(mapping as Record<string, unknown>)) {
      const name = schemaRefName(target) ?? (typeof target === 'string' ? target : undefined);
      const index = names.indexOf(name);
      if (index >= 0) byValue.set(value, index);
    }
  }
  return byValue;
}

function variantTest(document: SpecDocument, raw: Schema, seen: Set<Schema>): Test {
  const schema = deref(document, raw);
  if (seen.has(schema)) return () => false;
  seen.add(schema);
  switch (schemaKind(document, schema)) {
    case 'alias':
      return variantTest(document, singleAllOfMember(schema)!, seen);
    case 'union': {
      const tests = unionMembers(schema)!.map((member) => variantTest(document, member, seen));
      return (value) => tests.some((test) => test(value));
    }
    case 'object':
      return objectTest(document, schema);
    case 'map':
      return isPlainObject;
    case 'array':
      return Array.isArray;
    case 'enum': {
      const allowed: unknown[] = 'const' in schema ? [schema.const] : schema.enum;
      return (value) => allowed.includes(value);
    }
    case 'primitive': {
      const types = nonNullTypes(schema);
      const dates = schema.format === 'date' || schema.format === 'date-time';
      return (value) => types.some((type) => fitsType(type, value, dates));
    }
    default:
      return () => true;
  }
}

function objectTest(document: SpecDocument, schema: Schema): Test {
  const shape = objectShape(document, schema);
  const required = [...shape.required];
  const fixed: Array<[string, unknown[]]> = [];
  for (const [name, property] of shape.properties) {
    const target = deref(document, property);
    if ('const' in target) fixed.push([name, [target.const]]);
    else if (Array.isArray(target.enum)) fixed.push([name, target.enum]);
  }
  return (value) =>
    isPlainObject(value) &&
    required.every((name) => value[name] !== undefined) &&
    fixed.every(([name, allowed]) => value[name] === undefined || allowed.includes(value[name]));
}

function fitsType(type: string, value: unknown, dates: boolean): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string' || (dates && value instanceof Date);
    case 'integer':
      return Number.isInteger(value) || typeof value === 'bigint';
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isPlainObject(value);
    default:
      return false;
  }
}
