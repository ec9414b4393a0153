// Shared helpers for the openapi tests: fixture paths and a $ref collector.
import * as path from 'node:path';

/** Absolute path of a fixture under framework/test/fixtures/openapi. */
export function fixture(...parts: string[]): string {
  return path.join(__dirname, '..', 'fixtures', 'openapi', ...parts);
}

/** Every `$ref` string in a document, skipping `example` values (data, not refs). */
export function collectRefs(value: unknown, refs: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) collectRefs(item, refs);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (key === 'example') continue;
      if (key === '$ref' && typeof child === 'string') refs.push(child);
      else collectRefs(child, refs);
    }
  }
  return refs;
}

/** Follow an internal ref (`#/components/schemas/Book`) in a document. */
export function deref(document: Record<string, any>, ref: string): any {
  expect(ref.startsWith('#/')).toBe(true);
  return ref
    .slice(2)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((node: any, segment) => node?.[segment], document);
}
