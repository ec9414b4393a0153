// Small helpers to write TypeScript source: identifiers, property keys, doc comments, import paths.
import path from 'node:path';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
const RESERVED_WORDS = new Set(
  ('break case catch class const continue debugger default delete do else enum export extends false finally for function if ' +
    'import in instanceof new null return super switch this throw true try typeof var void while with implements interface ' +
    'let package private protected public static yield any boolean number string symbol never unknown object undefined')
    .split(' '),
);

/** True when `name` can be a top-level type and const name. */
export function isTypeName(name: string): boolean {
  return IDENTIFIER.test(name) && !RESERVED_WORDS.has(name);
}

/** A property key as written in a type literal: `title`, or `'x-request-id'` when not an identifier. */
export function propertyKey(name: string): string {
  return IDENTIFIER.test(name) ? name : quote(name);
}

/** A single-quoted string literal. */
export function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;
}

/** A literal type for an enum value (strings, numbers, booleans), else undefined. */
export function literalType(value: unknown): string | undefined {
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

/** A TSDoc comment of a schema's `description` (and `deprecated`), indented, or no lines. */
export function docLines(schema: Record<string, any> | undefined, indent: string): string[] {
  const text = typeof schema?.description === 'string' ? schema.description.trim() : '';
  const lines = text ? text.replace(/\*\//g, '*\\/').split(/\r?\n/) : [];
  if (schema?.deprecated === true) lines.push('@deprecated');
  if (lines.length === 0) return [];
  if (lines.length === 1) return [`${indent}/** ${lines[0]} */`];
  return [`${indent}/**`, ...lines.map((line) => `${indent} *${line ? ` ${line}` : ''}`), `${indent} */`];
}

/** The import specifier of `target` (a file, with or without extension) from a module in `fromDir`. */
export function importPath(fromDir: string, target: string): string {
  const relative = path.relative(fromDir, target.replace(/\.(ts|js|mts|cts)$/, '')).split(path.sep).join('/');
  return relative.startsWith('.') ? relative : `./${relative}`;
}
