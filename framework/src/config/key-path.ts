// Key paths inside a config: format them for messages (`async.redis_url`, `env_secrets[0]`) and read by them.

/** One step of a key path: an object key or an array index. */
export type PathSegment = string | number;

/** A problem located by a key path, before it is turned into a ConfigProblem. */
export interface PathProblem {
  path: readonly PathSegment[];
  message: string;
}

/** `['async', 'redis_url']` → `async.redis_url`; `['env_secrets', 0]` → `env_secrets[0]`. */
export function formatKeyPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${segment}` : segment;
  }
  return out;
}

/** The value at `path` in `root` (own properties only), or undefined. */
export function getAtPath(root: unknown, path: readonly PathSegment[]): unknown {
  let current = root;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** Whether `root` has a value (even null) at `path`. */
export function hasPath(root: unknown, path: readonly PathSegment[]): boolean {
  if (path.length === 0) return true;
  const parent = getAtPath(root, path.slice(0, -1));
  return parent !== null && typeof parent === 'object' && Object.hasOwn(parent, path[path.length - 1]);
}
