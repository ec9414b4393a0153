// The class registry: one class per model name per process, found by name or by API.
import { closest } from 'fastest-levenshtein';
import { Model, MODEL_BINDING, type ModelBinding, type ModelClass } from './model';
import { ModelError } from './model-error';
import type { SchemaKind } from './schema-utils';

/** Every class ever handed out, registered or not: a name always maps to the same class object. */
const classes = new Map<string, ModelClass>();
/** Names whose schema is registered (a subset of `classes`). */
let registered = new Map<string, ModelClass>();
/** Named schemas that are not classes (unions, enums, maps...), for clear lookup errors. */
let aliases = new Map<string, SchemaKind>();

/**
 * The model classes of each registered API, by API name: `models.books.Book`. Refilled in place by
 * `registerApiModels`, so a reference to this object stays valid.
 */
export const models: Record<string, Readonly<Record<string, ModelClass>>> = {};

/**
 * The class of a model, created on first use and shared by every caller: generated modules, `getModel`
 * and the task worker all get the same object. It may be obtained before the specs are registered, but
 * can only be instantiated after `registerApiModels` gave it its schema.
 *
 * @example
 * export const Book: ModelClass<Book, BookFields> = modelClass('Book');
 */
export function modelClass<T extends Model = Model, F extends object = any>(name: string): ModelClass<T, F> {
  let cls = classes.get(name);
  if (!cls) {
    const created = class extends Model {};
    Object.defineProperty(created, 'name', { value: name });
    Object.defineProperty(created, 'modelName', { value: name });
    cls = created as unknown as ModelClass;
    classes.set(name, cls);
  }
  return cls as unknown as ModelClass<T, F>;
}

/**
 * The class of a registered model, e.g. to rebuild a model from its name in a script or a worker.
 *
 * @throws ModelError when no registered spec defines a model class of that name (with a did-you-mean).
 * @example
 * const Book = getModel<Book>('Book');
 * const book = Book.fromJSON(json);
 */
export function getModel<T extends Model = Model>(name: string): ModelClass<T> {
  const cls = registered.get(name);
  if (cls) return cls as unknown as ModelClass<T>;
  const kind = aliases.get(name);
  if (kind) throw new ModelError(`Schema ${name} is ${describeKind(kind)}, not a model class`);
  const names = [...registered.keys()];
  const hint = names.length === 0 ? ' (no spec is registered: call registerApiModels() first)' : `; did you mean ${closest(name, names)}?`;
  throw new ModelError(`No model named ${JSON.stringify(name)}${hint}`);
}

/** The model class of `name` when one is registered, else undefined. */
export function findModel(name: string): ModelClass | undefined {
  return registered.get(name);
}

/**
 * The model classes of one API, by schema name (the same classes as `models[apiName]`).
 *
 * @throws ModelError for an API that is not registered.
 */
export function getApiModels(apiName: string): Readonly<Record<string, ModelClass>> {
  const found = models[apiName];
  if (found) return found;
  throw new ModelError(`No API named ${JSON.stringify(apiName)} is registered (known: ${Object.keys(models).join(', ') || 'none'})`);
}

/** The names of every registered model class, sorted. */
export function listModels(): string[] {
  return [...registered.keys()].sort();
}

/** What registerApiModels installs: the binding of each model class, per API, and the non-class names. */
export interface RegistryContents {
  bindings: ReadonlyMap<string, ModelBinding>;
  apis: ReadonlyMap<string, readonly string[]>;
  aliases: ReadonlyMap<string, SchemaKind>;
}

/** Replace what is registered (internal: called by registerApiModels once everything is checked). */
export function installRegistry(contents: RegistryContents): void {
  for (const [name, cls] of registered) {
    if (!contents.bindings.has(name)) delete (cls as unknown as Record<symbol, unknown>)[MODEL_BINDING];
  }
  registered = new Map();
  for (const [name, binding] of contents.bindings) {
    const cls = modelClass(name);
    Object.defineProperty(cls, MODEL_BINDING, { value: binding, configurable: true, writable: true });
    registered.set(name, cls);
  }
  aliases = new Map(contents.aliases);
  for (const key of Object.keys(models)) delete models[key];
  for (const [api, names] of contents.apis) {
    models[api] = Object.freeze(Object.fromEntries(names.map((name) => [name, registered.get(name)!])));
  }
}

function describeKind(kind: SchemaKind): string {
  switch (kind) {
    case 'union':
      return 'a oneOf/anyOf union (its values are instances of its member models)';
    case 'map':
      return 'a map (additionalProperties only): its values are plain objects';
    case 'alias':
      return 'an alias of another schema';
    default:
      return `a ${kind} schema`;
  }
}
