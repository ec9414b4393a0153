// The declarations of a document's named schemas: interfaces and a class const for models, type aliases for the rest.
import path from 'node:path';
import { ModelError } from '../model-error';
import { namedSchemas, schemaKind, schemaRefName, type Schema, type SpecDocument } from '../schema-utils';
import { parseParentRef } from '../x-parent';
import { docLines, importPath, isTypeName, quote } from './ts-source';
import { TypeWriter, type TypeNames } from './type-writer';

/** Names the generated module imports from the framework; schemas may not use them. */
export const FRAMEWORK_NAMES = { modelClass: 'pymModelClass', Model: 'PymModel', ModelClass: 'PymModelClass', HandlerOf: 'PymHandlerOf' };

/** What the module needs besides its declarations. */
export interface ModelDeclarations {
  /** Source lines of the declarations. */
  lines: string[];
  /** `import type` lines of x-parent classes. */
  parentImports: string[];
  /** Whether a model class const is declared (so `modelClass` is imported). */
  hasClasses: boolean;
  writer: TypeWriter;
}

/**
 * Declare every named schema of `document`. A model `X` gets `interface XFields` (its plain fields),
 * `interface X extends Model, XFields[, parent]` (nested models as instances) and
 * `const X = modelClass('X')`; any other schema gets `type X` (and `type XFields` when its plain form differs).
 *
 * @throws ModelError listing schema names that are not identifiers or that clash with generated names.
 */
export function declareModels(document: SpecDocument, outDir: string, srcDir: string): ModelDeclarations {
  const schemas = namedSchemas(document);
  const kinds = new Map(schemas.map(([name, schema]) => [name, schemaKind(document, schema)]));
  const classes = new Set(schemas.filter(([name]) => kinds.get(name) === 'object').map(([name]) => name));
  const names: TypeNames = { classes, fieldAliases: fieldAliases(schemas, classes) };
  checkNames(schemas, names);
  const writer = new TypeWriter(document, names);
  const lines: string[] = [];
  const parentImports: string[] = [];
  for (const [name, schema] of schemas) {
    lines.push('');
    if (!classes.has(name)) {
      lines.push(...docLines(schema, ''), `export type ${name} = ${writer.type(schema, 'instance')};`);
      if (names.fieldAliases.has(name)) lines.push(`export type ${name}Fields = ${writer.type(schema, 'fields')};`);
      continue;
    }
    const parent = parentType(name, schema, outDir, srcDir);
    if (parent) parentImports.push(parent.importLine);
    lines.push(...declareClass(writer, name, schema, parent?.alias));
  }
  return { lines, parentImports, hasClasses: classes.size > 0, writer };
}

function declareClass(writer: TypeWriter, name: string, schema: Schema, parentAlias: string | undefined): string[] {
  const fields = writer.members(schema, 'fields', '  ');
  const overrides = writer.members(schema, 'instance', '  ', (_property, plain, instance) => plain !== instance);
  const bases = [FRAMEWORK_NAMES.Model, `${name}Fields`, ...(parentAlias ? [parentAlias] : [])].join(', ');
  const { ModelClass, modelClass } = FRAMEWORK_NAMES;
  return [
    ...docLines(schema, ''),
    `export interface ${name}Fields {`,
    ...fields,
    '}',
    '',
    `/** An instance of the ${name} model: its fields (nested models as instances) and the Model methods${parentAlias ? ` and those of its x-parent` : ''}. */`,
    `export interface ${name} extends ${bases} {${overrides.length === 0 ? '}' : ''}`,
    ...(overrides.length === 0 ? [] : [...overrides, '}']),
    `/** The ${name} model class: \`new ${name}({...})\`, \`${name}.fromJSON(json)\`, \`instanceof ${name}\`. */`,
    `export const ${name}: ${ModelClass}<${name}, ${name}Fields> = ${modelClass}<${name}, ${name}Fields>(${quote(name)});`,
  ];
}

function parentType(name: string, schema: Schema, outDir: string, srcDir: string): { alias: string; importLine: string } | undefined {
  if (schema['x-parent'] === undefined) return undefined;
  const ref = parseParentRef(schema['x-parent']);
  if (typeof ref === 'string') throw new ModelError(`${name}: ${ref}`);
  const alias = `ParentOf${name}`;
  const from = importPath(outDir, path.resolve(srcDir, ref.module));
  return { alias, importLine: `import type { ${ref.exportName} as ${alias} } from ${quote(from)};` };
}

/** Non-class schemas that reach a model class through refs: their plain form differs, so they get an `XFields` alias. */
function fieldAliases(schemas: Array<[string, Schema]>, classes: ReadonlySet<string>): Set<string> {
  const refs = new Map(schemas.map(([name, schema]) => [name, referencedNames(schema)]));
  const differing = new Set<string>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, targets] of refs) {
      if (classes.has(name) || differing.has(name)) continue;
      if ([...targets].some((target) => classes.has(target) || differing.has(target))) {
        differing.add(name);
        changed = true;
      }
    }
  }
  return differing;
}

/** Every `#/components/schemas/X` named anywhere inside a schema (without following refs). */
function referencedNames(schema: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) schema.forEach((item) => referencedNames(item, out));
  else if (schema && typeof schema === 'object') {
    for (const [key, value] of Object.entries(schema)) {
      const name = key === '$ref' ? schemaRefName(value) : undefined;
      if (name !== undefined) out.add(name);
      else if (typeof value === 'object') referencedNames(value, out);
    }
  }
  return out;
}

function checkNames(schemas: Array<[string, Schema]>, names: TypeNames): void {
  const generated = new Map<string, string>();
  const problems: string[] = [];
  const claim = (identifier: string, owner: string): void => {
    const other = generated.get(identifier);
    if (other !== undefined) problems.push(`${owner} and ${other} both need the name ${identifier}; rename one of the schemas`);
    else generated.set(identifier, owner);
  };
  for (const reserved of [...Object.values(FRAMEWORK_NAMES), 'Operations', 'Handler']) claim(reserved, 'the generated module');
  for (const builtin of ['Array', 'Date', 'Record']) claim(builtin, 'the built-in type the generated code uses');
  for (const [name, schema] of schemas) {
    if (!isTypeName(name)) {
      problems.push(`schema name ${JSON.stringify(name)} is not a valid TypeScript identifier; rename it`);
      continue;
    }
    claim(name, `schema ${name}`);
    if (names.classes.has(name) || names.fieldAliases.has(name)) claim(`${name}Fields`, `schema ${name}`);
    if (schema['x-parent'] !== undefined) claim(`ParentOf${name}`, `schema ${name}`);
  }
  if (problems.length > 0) throw new ModelError(problems, 'pym gen');
}
