// Match a request's method and path to a bound operation, with a segment trie built once at startup.
import { displayPath, SpecError } from './spec-error';
import type { BoundOperation } from './types';

/** A request matched to its operation, with the path parameters URL-decoded. */
export interface RouteMatch {
  operation: BoundOperation;
  pathParams: Record<string, string>;
}

/** The path exists but not for this method: the methods it has (upper case, sorted), for `Allow`. */
export interface MethodMismatch {
  allow: string[];
}

/** Matches requests against the operations it was built from. */
export interface RouteMatcher {
  /**
   * @param method - the request method, any case (`GET`).
   * @param path - the request path, not decoded (`/v1/books/a%20b`); a query string is ignored.
   * @returns the match; `{ allow }` when only the method is wrong; undefined when no path matches.
   */
  match(method: string, path: string): RouteMatch | MethodMismatch | undefined;
  /** The methods of the operations at `path` (upper case, sorted, HEAD where GET is); empty when no path matches. */
  methodsAt(path: string): string[];
}

interface Terminal {
  operation: BoundOperation;
  /** Parameter names in the order their values are captured. */
  names: string[];
}

interface TrieNode {
  literals: Map<string, TrieNode>;
  /** Templated segments, most specific first. */
  patterns: PatternEdge[];
  /** Operations ending here, by upper-case method. */
  terminals: Map<string, Terminal>;
}

interface PatternEdge {
  /** The segment with parameter names blanked, e.g. `{}.{}`: templates differing only in names share an edge. */
  key: string;
  /** null for a whole-segment parameter (`{id}`), else a regex with one group per parameter. */
  regex: RegExp | null;
  literalLength: number;
  node: TrieNode;
}

/**
 * Build a matcher for `operations` (their `fullPath` templates). Concrete segments win over
 * templated ones whatever the declaration order (`/books/search` beats `/books/{id}`); a segment
 * mixing text and parameters (`{name}.{ext}`) beats a bare parameter. A parameter never matches
 * an empty segment, so `/books/` does not match `/books` nor `/books/{id}`. HEAD matches the GET operation of
 * a path whose spec declares no HEAD.
 *
 * @throws SpecError when two operations have the same method and path.
 *
 * @example
 * const matcher = createRouteMatcher(listOperations(apis));
 * matcher.match('GET', '/v1/books/42'); // { operation, pathParams: { id: '42' } }
 * matcher.match('PUT', '/v1/books');    // { allow: ['GET', 'HEAD', 'POST'] }
 */
export function createRouteMatcher(operations: BoundOperation[]): RouteMatcher {
  const root = newNode();
  for (const operation of operations) insert(root, operation);
  return {
    match(method, path) {
      const query = path.indexOf('?');
      const pathname = query >= 0 ? path.slice(0, query) : path;
      if (!pathname.startsWith('/')) return undefined;
      const segments = pathname.slice(1).split('/');
      const values: string[] = [];
      const verb = method.toUpperCase();
      // HEAD is GET without the body (RFC 9110), where the spec declares no HEAD of its own: health checks use it.
      const terminal = search(root, segments, 0, verb, values) ?? (verb === 'HEAD' ? search(root, segments, 0, 'GET', values) : undefined);
      if (terminal) return { operation: terminal.operation, pathParams: paramsOf(terminal.names, values) };
      const allow = methodsOf(root, pathname);
      return allow.length > 0 ? { allow } : undefined;
    },
    methodsAt(path) {
      const query = path.indexOf('?');
      return methodsOf(root, query >= 0 ? path.slice(0, query) : path);
    },
  };
}

/** The methods at a path (no query), HEAD added where GET is, sorted. */
function methodsOf(root: TrieNode, pathname: string): string[] {
  if (!pathname.startsWith('/')) return [];
  const methods = new Set<string>();
  collectMethods(root, pathname.slice(1).split('/'), 0, methods);
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}

function insert(root: TrieNode, operation: BoundOperation): void {
  let node = root;
  const names: string[] = [];
  for (const segment of operation.fullPath.slice(1).split('/')) {
    const compiled = compileSegment(segment);
    if (!compiled) {
      let child = node.literals.get(segment);
      if (!child) node.literals.set(segment, (child = newNode()));
      node = child;
      continue;
    }
    names.push(...compiled.names);
    let edge = node.patterns.find((candidate) => candidate.key === compiled.key);
    if (!edge) {
      edge = { key: compiled.key, regex: compiled.regex, literalLength: compiled.literalLength, node: newNode() };
      node.patterns.push(edge);
      node.patterns.sort(byPrecedence);
    }
    node = edge.node;
  }
  const method = operation.method.toUpperCase();
  const existing = node.terminals.get(method);
  if (existing) {
    throw new SpecError(operation.api.file, `${method} ${operation.fullPath} is declared twice (also as ${method} ${existing.operation.fullPath} in ${displayPath(existing.operation.api.file)})`);
  }
  node.terminals.set(method, { operation, names });
}

/** A templated segment, or undefined for a literal one. */
function compileSegment(segment: string): { key: string; regex: RegExp | null; literalLength: number; names: string[] } | undefined {
  const parts = segment.split(/(\{[^{}]+\})/).filter(Boolean);
  const names = parts.filter((part) => /^\{[^{}]+\}$/.test(part)).map((part) => part.slice(1, -1));
  if (names.length === 0) return undefined;
  const key = parts.map((part) => (/^\{[^{}]+\}$/.test(part) ? '{}' : part)).join('');
  if (parts.length === 1) return { key, regex: null, literalLength: 0, names };
  const source = parts.map((part) => (/^\{[^{}]+\}$/.test(part) ? '(.+)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('');
  const literalLength = parts.filter((part) => !/^\{[^{}]+\}$/.test(part)).join('').length;
  return { key, regex: new RegExp(`^${source}$`), literalLength, names };
}

function byPrecedence(a: PatternEdge, b: PatternEdge): number {
  if ((a.regex === null) !== (b.regex === null)) return a.regex === null ? 1 : -1;
  return b.literalLength - a.literalLength || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/** Depth-first, most specific edge first, backtracking when a branch has no operation for `method`. */
function search(node: TrieNode, segments: string[], index: number, method: string, values: string[]): Terminal | undefined {
  if (index === segments.length) return node.terminals.get(method);
  const segment = segments[index];
  const literal = node.literals.get(segment);
  if (literal) {
    const found = search(literal, segments, index + 1, method, values);
    if (found) return found;
  }
  if (segment === '') return undefined;
  for (const edge of node.patterns) {
    const captured = edge.regex === null ? [segment] : edge.regex.exec(segment)?.slice(1);
    if (!captured) continue;
    values.push(...captured);
    const found = search(edge.node, segments, index + 1, method, values);
    if (found) return found;
    values.length -= captured.length;
  }
  return undefined;
}

/** Every method of every operation whose template matches the path. */
function collectMethods(node: TrieNode, segments: string[], index: number, methods: Set<string>): void {
  if (index === segments.length) {
    for (const method of node.terminals.keys()) methods.add(method);
    return;
  }
  const segment = segments[index];
  const literal = node.literals.get(segment);
  if (literal) collectMethods(literal, segments, index + 1, methods);
  if (segment === '') return;
  for (const edge of node.patterns) {
    if (edge.regex === null || edge.regex.test(segment)) collectMethods(edge.node, segments, index + 1, methods);
  }
}

function paramsOf(names: string[], values: string[]): Record<string, string> {
  const params: Record<string, string> = {};
  for (let index = 0; index < names.length; index++) params[names[index]] = decode(values[index]);
  return params;
}

function decode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value; // malformed escape: keep it as sent; the validator reports bad values
  }
}

function newNode(): TrieNode {
  return { literals: new Map(), patterns: [], terminals: new Map() };
}
