// What the bundler knows of the OpenAPI object graph: which fields of which objects may hold refs.
import * as path from 'node:path';

/** Objects that may be a `$ref` (and are hoisted into a components section, path items excepted). */
export type RefKind =
  | 'schema'
  | 'response'
  | 'parameter'
  | 'example'
  | 'requestBody'
  | 'header'
  | 'securityScheme'
  | 'link'
  | 'callback'
  | 'pathItem';

/** Every object the bundler walks into. */
export type WalkKind = RefKind | 'operation' | 'mediaType' | 'encoding';

/** The components section each ref-able kind lives in. */
export const SECTION_BY_KIND: Readonly<Record<RefKind, string>> = {
  schema: 'schemas',
  response: 'responses',
  parameter: 'parameters',
  example: 'examples',
  requestBody: 'requestBodies',
  header: 'headers',
  securityScheme: 'securitySchemes',
  link: 'links',
  callback: 'callbacks',
  pathItem: 'pathItems',
};

/** The kind of the entries of each components section. */
export const KIND_BY_SECTION: Readonly<Record<string, RefKind>> = Object.fromEntries(
  Object.entries(SECTION_BY_KIND).map(([kind, section]) => [section, kind as RefKind]),
);

/** The components sections, in the order OpenAPI lists them. */
export const COMPONENT_SECTIONS: readonly string[] = Object.values(SECTION_BY_KIND);

/**
 * How a field holds children: one object, a map of them, a list, one-or-a-list (`items`), or a
 * discriminator whose `mapping` values may be refs.
 */
export type FieldShape = readonly ['one' | 'map' | 'list' | 'oneOrList', WalkKind] | readonly ['discriminator', 'schema'];

const SCHEMA_FIELDS: Record<string, FieldShape> = {
  items: ['oneOrList', 'schema'],
  discriminator: ['discriminator', 'schema'],
  ...Object.fromEntries(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas'].map((key) => [key, ['map', 'schema']])),
  ...Object.fromEntries(['allOf', 'anyOf', 'oneOf', 'prefixItems'].map((key) => [key, ['list', 'schema']])),
  ...Object.fromEntries(
    ['additionalProperties', 'not', 'if', 'then', 'else', 'contains', 'propertyNames', 'unevaluatedItems', 'unevaluatedProperties', 'additionalItems', 'contentSchema'].map(
      (key) => [key, ['one', 'schema']],
    ),
  ),
};

const PARAMETER_FIELDS: Record<string, FieldShape> = { schema: ['one', 'schema'], content: ['map', 'mediaType'], examples: ['map', 'example'] };

const FIELDS: Readonly<Record<WalkKind, Record<string, FieldShape>>> = {
  schema: SCHEMA_FIELDS,
  parameter: PARAMETER_FIELDS,
  header: PARAMETER_FIELDS,
  requestBody: { content: ['map', 'mediaType'] },
  response: { headers: ['map', 'header'], content: ['map', 'mediaType'], links: ['map', 'link'] },
  mediaType: { schema: ['one', 'schema'], examples: ['map', 'example'], encoding: ['map', 'encoding'] },
  encoding: { headers: ['map', 'header'] },
  operation: { parameters: ['list', 'parameter'], requestBody: ['one', 'requestBody'], responses: ['map', 'response'], callbacks: ['map', 'callback'] },
  pathItem: {
    parameters: ['list', 'parameter'],
    ...Object.fromEntries(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].map((method) => [method, ['one', 'operation']])),
  },
  callback: {}, // every non-extension key is a path item; handled by the walker
  example: {},
  link: {},
  securityScheme: {},
};

/** The ref-holding fields of an object of `kind`. */
export function fieldsOf(kind: WalkKind): Readonly<Record<string, FieldShape>> {
  return FIELDS[kind];
}

/** True for a non-null, non-array object. */
export function isPlainObject(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** True for `{ $ref: '...' }` with nothing beside it. */
export function isPureRef(value: unknown): value is { $ref: string } {
  return isPlainObject(value) && typeof value.$ref === 'string' && Object.keys(value).length === 1;
}

const COMPONENT_NAME = /^[A-Za-z0-9._-]+$/;

/**
 * The components name of a hoisted target: the pointer's last segment; for a whole file, the
 * schema's `title` or else the file's base name in PascalCase. Made a valid component name.
 *
 * @example
 * componentName(['components', 'schemas', 'Book'], '/a/common.yaml', {}, 'schema') // 'Book'
 * componentName([], '/a/book-item.yaml', {}, 'schema')                             // 'BookItem'
 */
export function componentName(segments: readonly string[], file: string, value: unknown, kind: RefKind): string {
  let name: string;
  if (segments.length > 0) name = segments[segments.length - 1];
  else if (kind === 'schema' && isPlainObject(value) && typeof value.title === 'string' && value.title.trim()) name = value.title.trim();
  else name = pascalCase(path.basename(file).replace(/\.(ya?ml|json)$/i, ''));
  if (COMPONENT_NAME.test(name)) return name;
  return pascalCase(name) || 'Unnamed';
}

/** `book-item`, `book_item`, `book item` → `BookItem`; other characters are dropped. */
export function pascalCase(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('');
}
