// Reading OpenAPI schemas: $refs, nullability, kinds, and the flattened shape of object schemas.
import { parsePointer, resolvePointer } from '../openapi/json-pointer';
import { ModelError } from './model-error';

/** A JSON Schema object as found in a bundled OpenAPI document. */
export type Schema = Record<string, any>;
/** A bundled OpenAPI document. */
export type SpecDocument = Record<string, any>;

/**
 * How pym reads a schema: `object` schemas become model classes when named; the others become type
 * aliases (`alias`: a `$ref` or a one-member `allOf`; `union`: `oneOf`/`anyOf`; `map`: only
 * `additionalProperties`; `any`: no constraint at all).
 */
export type SchemaKind = 'alias' | 'union' | 'enum' | 'object' | 'map' | 'array' | 'primitive' | 'any';

/** The properties of an object schema with its `allOf` members merged in. */
export interface ObjectShape {
  /** Properties in declaration order (members of `allOf` first, then the schema's own). */
  readonly properties: ReadonlyArray<readonly [string, Schema]>;
  /** Names listed in `required` (own and of `allOf` members) or marked `x-mandatory: true`. */
  readonly required: ReadonlySet<string>;
  /** `additionalProperties` when it allows extra keys (`true` or a schema); undefined when not declared or false. */
  readonly additional: Schema | true | undefined;
}

const NAMED_REF = /^#\/components\/schemas\/([^/]+)$/;
const MAX_REF_HOPS = 32;

/** The schema name of a `#/components/schemas/<Name>` ref, else undefined. */
export function schemaRefName(ref: unknown): string | undefined {
  if (typeof ref !== 'string') return undefined;
  const match = NAMED_REF.exec(ref);
  return match ? parsePointer(`/${match[1]}`)![0] : undefined;
}

/** The value an internal `$ref` points to; throws a ModelError when it points nowhere. */
export function resolveRef(document: SpecDocument, ref: string): Schema {
  const segments = ref.startsWith('#') ? parsePointer(ref.slice(1)) : undefined;
  const target = segments ? resolvePointer(document, segments) : undefined;
  if (!target?.found || target.value === null || typeof target.value !== 'object') {
    throw new ModelError(`$ref "${ref}" does not point to a schema of the document (refs must be internal)`);
  }
  return target.value as Schema;
}

/** Follow `$ref`s until a schema without one. */
export function deref(document: SpecDocument, schema: Schema): Schema {
  let current = schema;
  for (let hops = 0; typeof current.$ref === 'string'; hops++) {
    if (hops >= MAX_REF_HOPS) throw new ModelError(`$ref "${schema.$ref}" loops on itself`);
    current = resolveRef(document, current.$ref);
  }
  return current;
}

/** The named schemas of a document (`components.schemas`), in document order. */
export function namedSchemas(document: SpecDocument): Array<[string, Schema]> {
  const schemas = document.components?.schemas;
  if (schemas === null || typeof schemas !== 'object') return [];
  return Object.entries(schemas as Record<string, Schema>).filter(([, schema]) => isSchemaObject(schema));
}

/** True for a non-array object (booleans are valid 3.1 schemas, but carry no shape). */
export function isSchemaObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The declared types without `null`: `type: x` or 3.1 `type: [x, 'null']`. */
export function nonNullTypes(schema: Schema): string[] {
  const type = schema.type;
  if (typeof type === 'string') return type === 'null' ? [] : [type];
  return Array.isArray(type) ? type.filter((t): t is string => typeof t === 'string' && t !== 'null') : [];
}

/** True for a schema that only allows null (`type: 'null'`, `enum: [null]`, `const: null`). */
export function isNullSchema(schema: unknown): boolean {
  if (!isSchemaObject(schema)) return false;
  if (schema.type === 'null' || (Array.isArray(schema.type) && schema.type.length > 0 && schema.type.every((t) => t === 'null'))) {
    return true;
  }
  if ('const' in schema && schema.const === null) return true;
  return Array.isArray(schema.enum) && schema.enum.length > 0 && schema.enum.every((v: unknown) => v === null);
}

/** The members of a `oneOf`/`anyOf` other than null ones, or undefined when the schema has neither. */
export function unionMembers(schema: Schema): Schema[] | undefined {
  const members = Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : undefined;
  return members?.filter((member: unknown) => isSchemaObject(member) && !isNullSchema(member));
}

/**
 * Whether null is allowed: 3.0 `nullable: true`, `x-nullable: true`, 3.1 `type: [x, 'null']`, a null
 * member of `oneOf`/`anyOf`, `enum` holding null, or the same on the schema a `$ref`/one-member `allOf` names.
 */
export function isNullable(document: SpecDocument, schema: Schema, hops = 0): boolean {
  if (schema.nullable === true || schema['x-nullable'] === true) return true;
  if (Array.isArray(schema.type) && schema.type.includes('null')) return true;
  if (Array.isArray(schema.enum) && schema.enum.includes(null)) return true;
  const members = Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : [];
  if (members.some(isNullSchema)) return true;
  if (hops >= MAX_REF_HOPS) return false;
  if (typeof schema.$ref === 'string') return isNullable(document, resolveRef(document, schema.$ref), hops + 1);
  const single = singleAllOfMember(schema);
  return single ? isNullable(document, single, hops + 1) : false;
}

/** The only member of `allOf: [x]` used as an alias (no own properties), else undefined. */
export function singleAllOfMember(schema: Schema): Schema | undefined {
  if (!Array.isArray(schema.allOf) || schema.allOf.length !== 1 || schema.properties || schema.additionalProperties) {
    return undefined;
  }
  return isSchemaObject(schema.allOf[0]) ? schema.allOf[0] : undefined;
}

/** How pym reads a schema (see {@link SchemaKind}). */
export function schemaKind(document: SpecDocument, schema: Schema): SchemaKind {
  if (typeof schema.$ref === 'string' || singleAllOfMember(schema)) return 'alias';
  const members = unionMembers(schema);
  if (members && members.length > 0 && !schema.properties) return 'union';
  if (Array.isArray(schema.enum) || 'const' in schema) return 'enum';
  if (Array.isArray(schema.allOf) && isObjectish(document, schema, new Set())) return 'object';
  const types = nonNullTypes(schema);
  if (schema.properties !== undefined) return 'object';
  if (types.includes('object') || (types.length === 0 && schema.additionalProperties !== undefined)) {
    return schema.additionalProperties === false ? 'object' : 'map';
  }
  if (types.includes('array') || schema.items !== undefined) return 'array';
  return types.length > 0 ? 'primitive' : 'any';
}

function isObjectish(document: SpecDocument, schema: Schema, seen: Set<Schema>): boolean {
  if (seen.has(schema)) return false;
  seen.add(schema);
  if (schema.properties !== undefined || nonNullTypes(schema).includes('object')) return true;
  const members: unknown[] = Array.isArray(schema.allOf) ? schema.allOf : [];
  return members.some((member) => isSchemaObject(member) && isObjectish(document, deref(document, member), seen));
}

/**
 * Merge an object schema with its `allOf` members (recursively, through `$ref`s). A property defined
 * twice keeps its first position and its last definition. Throws a ModelError on an `allOf` cycle.
 */
export function objectShape(document: SpecDocument, schema: Schema): ObjectShape {
  const properties = new Map<string, Schema>();
  const required = new Set<string>();
  const additional = collect(document, schema, properties, required, []);
  return { properties: [...properties], required, additional };
}

function collect(
  document: SpecDocument,
  schema: Schema,
  properties: Map<string, Schema>,
  required: Set<string>,
  stack: Schema[],
): Schema | true | undefined {
  if (stack.includes(schema)) throw new ModelError('allOf cycle: a schema includes itself through allOf');
  stack.push(schema);
  let additional: Schema | true | undefined;
  for (const member of Array.isArray(schema.allOf) ? schema.allOf : []) {
    if (!isSchemaObject(member)) continue;
    const fromMember = collect(document, deref(document, member), properties, required, stack);
    if (fromMember !== undefined) additional = fromMember;
  }
  for (const [name, property] of Object.entries(isSchemaObject(schema.properties) ? schema.properties : {})) {
    if (!isSchemaObject(property)) continue;
    properties.set(name, property);
    if (property['x-mandatory'] === true) required.add(name);
  }
  for (const name of Array.isArray(schema.required) ? schema.required : []) {
    if (typeof name === 'string') required.add(name);
  }
  stack.pop();
  const own = schema.additionalProperties;
  if (own === true || isSchemaObject(own)) return own;
  if (own === false) return undefined;
  return additional;
}
