// A client's schemas named like different ones of the service (every pym service has an `ApiError`) get its prefix.
import { canonicalSchema } from '../models/schema-diff';
import { isPlainObject } from '../models/model';
import { namedSchemas, type Schema, type SpecDocument } from '../models/schema-utils';
import { escapePointerSegment } from '../openapi/json-pointer';

/** Canonical forms of the named schemas met so far, `x-parent` aside (the specs of clients have none). */
export type KnownSchemas = Map<string, string>;

/** A schema's canonical form without its `x-parent`. */
function canonicalWithoutParent(schema: Schema): string {
  const { 'x-parent': _parent, ...rest } = schema;
  return canonicalSchema(rest);
}

/** The canonical forms of the named schemas of `documents` (the service's own specs). */
export function knownSchemas(documents: readonly SpecDocument[]): KnownSchemas {
  const known: KnownSchemas = new Map();
  for (const document of documents) for (const [name, schema] of namedSchemas(document)) if (!known.has(name)) known.set(name, canonicalWithoutParent(schema));
  return known;
}

/** `audit-service` → `AuditService`. */
export function pascalName(name: string): string {
  return name
    .split(/[-_]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('');
}

const ref = (name: string) => `#/components/schemas/${escapePointerSegment(name)}`;

/**
 * The client's document where every named schema that differs from a known one of the same name is renamed
 * `<Client><Name>` (`ApiError` → `AuditApiError`), its `$ref`s and discriminator mappings following; a schema that
 * refers to a renamed one differs too, and is renamed as well. Equal schemas keep their name, hence the service's
 * class. Adds the result's schemas to `known`, so that the next client is compared with this one too.
 */
export function separateClientSchemas(client: string, document: SpecDocument, known: KnownSchemas): SpecDocument {
  const prefix = pascalName(client);
  const renames = new Map<string, string>();
  let current = document;
  for (;;) {
    const added = namedSchemas(current).filter(([name, schema]) => {
      const seen = known.get(name);
      return !renames.has(name) && ![...renames.values()].includes(name) && seen !== undefined && seen !== canonicalWithoutParent(schema);
    });
    if (added.length === 0) break;
    for (const [name] of added) renames.set(name, `${prefix}${name}`);
    current = renamed(document, renames);
  }
  for (const [name, schema] of namedSchemas(current)) if (!known.has(name)) known.set(name, canonicalWithoutParent(schema));
  return current;
}

/** A copy of `document` with its named schemas renamed, refs and discriminator mappings rewritten. */
function renamed(document: SpecDocument, renames: ReadonlyMap<string, string>): SpecDocument {
  const targets = new Map([...renames].map(([from, to]) => [ref(from), ref(to)]));
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (!isPlainObject(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string') out[key] = targets.get(item) ?? item;
      else if (key === 'discriminator' && isPlainObject(item)) out[key] = discriminator(item, value, renames, targets);
      else out[key] = walk(item);
    }
    return out;
  };
  const copy = walk(document) as SpecDocument;
  const schemas = copy.components?.schemas;
  if (isPlainObject(schemas)) copy.components.schemas = Object.fromEntries(Object.entries(schemas).map(([name, schema]) => [renames.get(name) ?? name, schema]));
  return copy;
}

/**
 * A discriminator whose mapping follows the renames. A value that named a renamed schema implicitly (the schema's
 * name is the value on the wire) gets an explicit mapping, when its schema refers to the renamed one.
 */
function discriminator(item: Record<string, unknown>, owner: Record<string, unknown>, renames: ReadonlyMap<string, string>, targets: ReadonlyMap<string, string>): Record<string, unknown> {
  const mapping: Record<string, unknown> = {};
  for (const [value, target] of Object.entries(isPlainObject(item.mapping) ? item.mapping : {})) {
    mapping[value] = typeof target === 'string' ? (targets.get(target) ?? (renames.has(target) ? ref(renames.get(target)!) : target)) : target;
  }
  const text = JSON.stringify(owner);
  for (const [from, to] of renames) {
    if (!(from in mapping) && text.includes(JSON.stringify(ref(from)))) mapping[from] = ref(to);
  }
  return Object.keys(mapping).length === 0 ? { ...item } : { ...item, mapping };
}
