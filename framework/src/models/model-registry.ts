// The model registry's startup: registerApiModels gives every named schema of the loaded specs its class, checking conflicts and x-parents.
import path from 'node:path';
import type { LoadedApi } from '../openapi/types';
import { resetCodecs } from './codec';
import { ModelEntry, type ModelSource } from './model-entry';
import { ModelError } from './model-error';
import { installRegistry, modelClass } from './class-registry';
import { canonicalSchema, schemaDifferences } from './schema-diff';
import { namedSchemas, objectShape, schemaKind, type Schema, type SchemaKind, type SpecDocument } from './schema-utils';
import { installParent, parseParentRef, resolveParent, type ResolvedParent } from './x-parent';

/** Property names a schema may not declare: an own field of that name would hide a Model method. */
const RESERVED = new Set(['toJSON', 'getModelName', 'getModelProperties', 'constructor']);

interface Definition {
  name: string;
  schema: Schema;
  document: SpecDocument;
  canonical: string;
  kind: SchemaKind;
  sources: ModelSource[];
}

/**
 * Register the models of every loaded spec: each named object schema gets its class (the one
 * `modelClass(name)`, `getModel(name)` and generated modules return), with its fields, codecs and
 * `x-parent` methods. Replaces what an earlier call registered (the classes themselves are kept).
 *
 * Fails fast with one ModelError listing every problem: a name defined differently by two specs
 * (naming both files and showing the differences; the same schema twice is one shared class), an
 * unresolvable `x-parent`, an `allOf` cycle, a property named like a Model method.
 *
 * The specs of the services this one calls (`clients`) share the same classes: a client's schema equal to one of
 * the service's own (its `x-parent` aside, which clients do not have) is that class; one defined differently is a
 * conflict too. They are not listed in `models[api]`, whose names are the service's own APIs.
 *
 * @param srcDir the service's source folder, from which `x-parent` modules are resolved.
 * @param clients the specs of the service's clients (see `loadClientSpecs`).
 */
export function registerApiModels(apis: readonly LoadedApi[], srcDir: string, clients: readonly LoadedApi[] = []): void {
  const problems: string[] = [];
  const definitions = new Map<string, Definition>();
  const apiNames = new Map<string, string[]>();
  for (const api of [...apis, ...clients]) {
    const isClient = !apis.includes(api);
    const names: string[] = [];
    for (const [name, schema] of namedSchemas(api.document)) {
      const canonical = canonicalSchema(schema);
      const known = definitions.get(name);
      if (known && (isClient ? canonicalSchema(withoutParent(known.schema)) : known.canonical) !== canonical) {
        problems.push(conflict(name, known, schema, api.file, isClient ? api.name : undefined));
        continue;
      }
      const source = { api: api.name, file: api.file };
      if (known) known.sources.push(source);
      else definitions.set(name, { name, schema, document: api.document, canonical, kind: kindOf(api.document, schema, name, api.file, problems), sources: [source] });
      if (definitions.get(name)!.kind === 'object') names.push(name);
    }
    if (!isClient) apiNames.set(api.name, names);
  }

  const entries = new Map<string, ModelEntry>();
  const parents = new Map<string, ResolvedParent>();
  for (const definition of definitions.values()) {
    const where = `${definition.name} (${definition.sources[0].file})`;
    if (definition.kind !== 'object') {
      if (definition.schema['x-parent'] !== undefined) problems.push(`${where}: x-parent needs an object schema, not a ${definition.kind} one`);
      continue;
    }
    let entry: ModelEntry;
    try {
      entry = new ModelEntry(definition.name, definition.document, definition.schema, objectShape(definition.document, definition.schema), definition.sources);
    } catch (error) {
      problems.push(`${where}: ${(error as Error).message}`);
      continue;
    }
    const reserved = entry.propertyNames.filter((name) => RESERVED.has(name));
    if (reserved.length > 0) problems.push(`${where}: property ${reserved.join(', ')} would hide a method every model has; rename it`);
    entries.set(definition.name, entry);
    const raw = definition.schema['x-parent'];
    if (raw === undefined) continue;
    const ref = parseParentRef(raw);
    const parent = typeof ref === 'string' ? ref : resolveParent(ref, srcDir, entry.propertyNames);
    if (typeof parent === 'string') problems.push(`${where}: x-parent ${JSON.stringify(raw)}: ${parent}`);
    else parents.set(definition.name, parent);
  }
  if (problems.length > 0) throw new ModelError(problems, 'Models');

  const aliases = new Map([...definitions.values()].filter((d) => d.kind !== 'object').map((d) => [d.name, d.kind] as const));
  installRegistry({ bindings: entries, apis: apiNames, aliases });
  resetCodecs();
  for (const name of entries.keys()) installParent(modelClass(name), parents.get(name));
}

function kindOf(document: SpecDocument, schema: Schema, name: string, file: string, problems: string[]): SchemaKind {
  try {
    return schemaKind(document, schema);
  } catch (error) {
    problems.push(`${name} (${file}): ${(error as Error).message}`);
    return 'any';
  }
}

function conflict(name: string, known: Definition, schema: Schema, file: string, client?: string): string {
  const first = known.sources[0].file;
  const lines = schemaDifferences(client ? withoutParent(known.schema) : known.schema, schema).map((line) => `  ${line}`);
  const fix = client ? ` (the spec of client ${client}: both must describe the same ${name}, or rename one)` : '';
  return [`${name} is defined differently in ${first} and ${file}${fix} (${path.basename(first)} vs ${path.basename(file)}):`, ...lines].join('\n');
}

/** A schema without its `x-parent` (which the specs of clients never have). */
function withoutParent(schema: Schema): Schema {
  const { 'x-parent': _parent, ...rest } = schema;
  return rest;
}
