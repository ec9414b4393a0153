// Schema → TypeScript type expression, in one of three forms: model instances, plain fields, or request parameters.
import {
  isSchemaObject,
  nonNullTypes,
  objectShape,
  resolveRef,
  schemaKind,
  schemaRefName,
  singleAllOfMember,
  unionMembers,
  type Schema,
  type SpecDocument,
} from '../schema-utils';
import { docLines, literalType, propertyKey } from './ts-source';

/**
 * The form of a type: `instance` (nested models are class instances: request bodies, model fields),
 * `fields` (nested models as their plain `XFields` shape: constructor input, handler results), or
 * `param` (a request parameter: dates stay strings, refs are inlined).
 */
export type TypeMode = 'instance' | 'fields' | 'param';

/** What the writer knows of the document's named schemas. */
export interface TypeNames {
  /** Named schemas that are model classes (`X` and `XFields` exist). */
  readonly classes: ReadonlySet<string>;
  /** Named non-class schemas whose plain form differs (an `XFields` alias exists). */
  readonly fieldAliases: ReadonlySet<string>;
}

/** Writes type expressions for the schemas of one document. */
export class TypeWriter {
  private readonly inlining = new Set<Schema>();

  constructor(
    private readonly document: SpecDocument,
    private readonly names: TypeNames,
  ) {}

  /** The type of `schema`; multi-line object literals are indented by `indent`. */
  type(schema: Schema, mode: TypeMode, indent = ''): string {
    const base = this.baseType(schema, mode, indent);
    return ownNullable(schema) && !/(^|\| )null$/.test(base) && base !== 'unknown' ? `${base} | null` : base;
  }

  /** The members of an object type literal: one line per property (with its doc), indented. */
  members(schema: Schema, mode: TypeMode, indent: string, only?: (name: string, fields: string, type: string) => boolean): string[] {
    const shape = objectShape(this.document, schema);
    const lines: string[] = [];
    for (const [name, property] of shape.properties) {
      const type = this.type(property, mode, indent);
      if (only && !only(name, this.type(property, 'fields', indent), type)) continue;
      lines.push(...docLines(property, indent), `${indent}${propertyKey(name)}${shape.required.has(name) ? '' : '?'}: ${type};`);
    }
    if (shape.additional !== undefined) {
      const extra = shape.additional === true || shape.properties.length > 0 || only ? 'unknown' : this.type(shape.additional, mode, indent);
      if (!only) lines.push(`${indent}[key: string]: ${extra};`);
    }
    return lines;
  }

  private baseType(schema: Schema, mode: TypeMode, indent: string): string {
    if (typeof schema.$ref === 'string') return this.refType(schema.$ref, mode, indent);
    switch (schemaKind(this.document, schema)) {
      case 'alias':
        return this.type(singleAllOfMember(schema)!, mode, indent);
      case 'union':
        return union(unionMembers(schema)!.map((member) => this.type(member, mode, indent)));
      case 'enum': {
        const values: unknown[] = 'const' in schema ? [schema.const] : schema.enum;
        const literals = values.filter((value) => value !== null).map(literalType);
        return literals.length === 0 ? 'never' : literals.includes(undefined) ? 'unknown' : union(literals as string[]);
      }
      case 'object': {
        const lines = this.members(schema, mode, `${indent}  `);
        return lines.length === 0 ? 'Record<string, never>' : `{\n${lines.join('\n')}\n${indent}}`;
      }
      case 'map': {
        const values = isSchemaObject(schema.additionalProperties) ? this.type(schema.additionalProperties, mode, indent) : 'unknown';
        return `Record<string, ${values}>`;
      }
      case 'array':
        return arrayOf(isSchemaObject(schema.items) ? this.type(schema.items, mode, indent) : 'unknown');
      case 'primitive':
        return union(nonNullTypes(schema).map((type) => primitive(type, schema.format, mode)));
      default:
        return 'unknown';
    }
  }

  private refType(ref: string, mode: TypeMode, indent: string): string {
    const name = schemaRefName(ref);
    const isNamed = name !== undefined && isSchemaObject(this.document.components?.schemas?.[name]);
    if (isNamed && this.names.classes.has(name)) return mode === 'instance' ? name : `${name}Fields`;
    if (isNamed && mode !== 'param') return mode === 'fields' && this.names.fieldAliases.has(name) ? `${name}Fields` : name;
    const target = resolveRef(this.document, ref);
    if (this.inlining.has(target)) return isNamed ? name : 'unknown';
    this.inlining.add(target);
    try {
      return this.type(target, mode, indent);
    } finally {
      this.inlining.delete(target);
    }
  }
}

/** Own nullability (not through refs: the referenced type carries its own `| null`). */
function ownNullable(schema: Schema): boolean {
  if (schema.nullable === true || schema['x-nullable'] === true) return true;
  if (Array.isArray(schema.type) && schema.type.includes('null')) return true;
  if (Array.isArray(schema.enum) && schema.enum.includes(null)) return true;
  const members = Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : [];
  return members.some((member: unknown) => isSchemaObject(member) && (member.type === 'null' || (Array.isArray(member.type) && member.type.length === 1 && member.type[0] === 'null')));
}

function primitive(type: string, format: unknown, mode: TypeMode): string {
  switch (type) {
    case 'string':
      return (format === 'date-time' || format === 'date') && mode !== 'param' ? 'Date' : 'string';
    case 'integer':
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      return 'unknown[]';
    case 'object':
      return 'Record<string, unknown>';
    default:
      return 'unknown';
  }
}

function union(types: string[]): string {
  const unique = [...new Set(types)];
  if (unique.includes('unknown')) return 'unknown';
  return unique.length === 0 ? 'never' : unique.join(' | ');
}

function arrayOf(item: string): string {
  return /^[\w.]+(\[\])*$/.test(item) ? `${item}[]` : `Array<${item}>`;
}
