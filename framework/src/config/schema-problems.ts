// Turn zod validation issues into readable config problems: key path, what is expected, a did-you-mean.
import { closest, distance } from 'fastest-levenshtein';
import { z } from 'zod';
import { getAtPath, type PathProblem, type PathSegment } from './key-path';

/** Unknown keys listed in full when no close match exists and there are at most this many allowed keys. */
const MAX_LISTED_KEYS = 8;

/**
 * One problem per zod issue (one per unknown key). Messages say what is expected and what kind of value was
 * found, never the value itself: it may be a secret.
 */
export function schemaProblems(schema: z.ZodType, issues: readonly z.core.$ZodIssue[], input: unknown): PathProblem[] {
  const problems: PathProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeysAt(schema, issue.path);
      for (const key of issue.keys) problems.push({ path: [...toPath(issue.path), key], message: unknownKeyMessage(key, allowed) });
    } else {
      problems.push({ path: toPath(issue.path), message: describeIssue(issue, input) });
    }
  }
  return problems;
}

/** The closest of `candidates` to `key`, when it is close enough to be a plausible typo. */
export function didYouMean(key: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(key, [...candidates]);
  const d = distance(key.toLowerCase(), best.toLowerCase());
  return d <= Math.max(2, Math.floor(key.length / 3)) && d < key.length ? best : undefined;
}

function toPath(path: readonly PropertyKey[]): PathSegment[] {
  return path.map((segment) => (typeof segment === 'number' ? segment : String(segment)));
}

function unknownKeyMessage(key: string, allowed: readonly string[]): string {
  const suggestion = didYouMean(key, allowed);
  if (suggestion) return `unknown key; did you mean "${suggestion}"?`;
  if (allowed.length > 0 && allowed.length <= MAX_LISTED_KEYS) return `unknown key; allowed keys here: ${allowed.join(', ')}`;
  return 'unknown key';
}

/** The keys an object schema accepts at `path` (through defaults, optionals, arrays and records' values). */
export function allowedKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: z.ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (current instanceof z.ZodObject) current = unwrap((current.shape as Record<string, z.ZodType>)[String(segment)]);
    else if (current instanceof z.ZodArray) current = unwrap(current.element as z.ZodType);
    else if (current instanceof z.ZodRecord) current = unwrap(current.valueType as z.ZodType);
    else return [];
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  while (current instanceof z.ZodDefault || current instanceof z.ZodOptional || current instanceof z.ZodNullable) {
    current = current.unwrap() as z.ZodType;
  }
  return current;
}

function describeIssue(issue: z.core.$ZodIssue, input: unknown): string {
  switch (issue.code) {
    case 'invalid_type': {
      const found = getAtPath(input, toPath(issue.path));
      const expected = withArticle(issue.expected);
      return found === undefined ? `is required (${expected})` : `expected ${expected}, got ${withArticle(kindOf(found))}`;
    }
    case 'invalid_union': {
      // A branch's issue paths are relative to the union's value, not to the config.
      const value = getAtPath(input, toPath(issue.path));
      const options = issue.errors.map((branch) => (branch[0] ? describeIssue(branch[0], value) : 'a valid value'));
      return [...new Set(options)].join(', or ');
    }
    default:
      return issue.message;
  }
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (value instanceof Date) return 'date';
  if (typeof value === 'object') return 'mapping';
  return typeof value;
}

function withArticle(kind: string): string {
  const words: Record<string, string> = { object: 'mapping', array: 'list' };
  const noun = words[kind] ?? kind;
  if (noun === 'null' || noun === 'undefined') return noun;
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}
