// x-parent: a model class carries the methods of a user class named by `x-parent: <module>#<export>`.
import path from 'node:path';
import { closest } from 'fastest-levenshtein';
import { Model, type ModelClass } from './model';

/** A parsed `x-parent` value. */
export interface ParentRef {
  /** Module path relative to the service's source folder, e.g. `models/question`. */
  module: string;
  /** The exported class, e.g. `QuestionBase`. */
  exportName: string;
  /** The value as written. */
  raw: string;
}

/** A resolved parent class and the members its instances get. */
export interface ResolvedParent {
  ref: ParentRef;
  members: ReadonlyMap<string | symbol, PropertyDescriptor>;
}

/** Parse `<module>#<export>`; a string is a problem description. */
export function parseParentRef(raw: unknown): ParentRef | string {
  const match = typeof raw === 'string' ? /^([^#]+)#([A-Za-z_$][\w$]*)$/.exec(raw.trim()) : null;
  if (!match) return `x-parent ${JSON.stringify(raw)} must be "<module>#<export>", e.g. "models/question#QuestionBase"`;
  return { module: match[1], exportName: match[2], raw: raw as string };
}

/**
 * Import a parent class (`require(path.resolve(srcDir, module))`) and list the members it gives:
 * every method, getter and setter of its prototype chain (up to `Object` or `Model`), but not its
 * constructor, which never runs. A string is a problem description.
 */
export function resolveParent(ref: ParentRef, srcDir: string, propertyNames: readonly string[]): ResolvedParent | string {
  const file = path.resolve(srcDir, ref.module);
  let exported: Record<string, unknown>;
  try {
    exported = require(file) as Record<string, unknown>;
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    if (err.code === 'MODULE_NOT_FOUND' && err.message.includes(file)) return `module not found: ${file}(.ts|.js)`;
    return `module ${file} failed to load: ${err.message.split('\n')[0]}`;
  }
  const parent = exported?.[ref.exportName];
  if (parent === undefined) {
    const names = Object.keys(exported ?? {}).filter((name) => name !== '__esModule');
    const hint = names.length === 0 ? 'it exports nothing' : `exports: ${names.join(', ')}; did you mean ${closest(ref.exportName, names)}?`;
    return `export "${ref.exportName}" not found in ${file} (${hint})`;
  }
  if (typeof parent !== 'function' || !parent.prototype) return `export "${ref.exportName}" of ${file} is not a class`;
  const members = parentMembers(parent as new () => unknown);
  const clashes = propertyNames.filter((name) => members.has(name));
  if (clashes.length > 0) {
    return `${ref.exportName} defines ${clashes.map((name) => `"${name}"`).join(', ')}, which the schema declares as properties (a field would hide the method)`;
  }
  return { ref, members };
}

function parentMembers(parent: new () => unknown): Map<string | symbol, PropertyDescriptor> {
  const members = new Map<string | symbol, PropertyDescriptor>();
  for (let proto = parent.prototype; proto && proto !== Object.prototype && proto !== Model.prototype; proto = Object.getPrototypeOf(proto)) {
    for (const key of Reflect.ownKeys(proto)) {
      if (key !== 'constructor' && !members.has(key)) members.set(key, Object.getOwnPropertyDescriptor(proto, key)!);
    }
  }
  return members;
}

const installed = new Map<ModelClass, Array<string | symbol>>();

/** Give a model class the members of its parent (or none), removing what an earlier registration installed. */
export function installParent(cls: ModelClass, parent: ResolvedParent | undefined): void {
  for (const key of installed.get(cls) ?? []) delete (cls.prototype as unknown as Record<string | symbol, unknown>)[key];
  installed.delete(cls);
  if (!parent) return;
  for (const [key, descriptor] of parent.members) Object.defineProperty(cls.prototype, key, { ...descriptor, configurable: true });
  installed.set(cls, [...parent.members.keys()]);
}
