// JSON pointers as used in $ref fragments: parse, escape, resolve.

/**
 * Split a `$ref` fragment (`''` or `/a/b~1c`) into decoded segments. The fragment is a URI
 * fragment, so percent-escapes are decoded too.
 *
 * @returns undefined when the fragment is not a JSON pointer (e.g. a plain-name anchor).
 */
export function parsePointer(fragment: string): string[] | undefined {
  if (fragment === '') return [];
  if (!fragment.startsWith('/')) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(fragment);
  } catch {
    decoded = fragment;
  }
  return decoded
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Escape one segment for use in a JSON pointer (`~` → `~0`, `/` → `~1`). */
export function escapePointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Append a segment to a pointer string, e.g. `appendPointer('/paths', '/books')` → `/paths/~1books`. */
export function appendPointer(pointer: string, segment: string | number): string {
  return `${pointer}/${escapePointerSegment(String(segment))}`;
}

/** What `resolvePointer` found. */
export type PointerTarget =
  | { found: true; value: unknown }
  | { found: false; /** true when the walk stopped at a `$ref` it would have to follow */ throughRef: boolean };

/** Walk `segments` down from `root` (objects and arrays), without following `$ref`s. */
export function resolvePointer(root: unknown, segments: readonly string[]): PointerTarget {
  let current: unknown = root;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return { found: false, throughRef: false };
    const container = current as Record<string, unknown>;
    if (Object.prototype.hasOwnProperty.call(container, segment)) {
      current = container[segment];
    } else {
      return { found: false, throughRef: typeof container.$ref === 'string' };
    }
  }
  return { found: true, value: current };
}
