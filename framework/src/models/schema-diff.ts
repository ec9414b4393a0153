// Compare two schemas of the same name: documentation keys aside, are they the same? If not, where do they differ?

/** Keys that document a schema without changing what it accepts or how it is converted. */
const DOC_KEYS = new Set(['description', 'title', 'example', 'examples', 'externalDocs', '$comment']);

/** Keys whose value maps names (not keywords) to schemas or values: their keys are never dropped. */
const NAME_MAPS = new Set(['properties', 'patternProperties', 'dependentSchemas', '$defs', 'definitions', 'mapping']);

function isDocKey(key: string): boolean {
  return DOC_KEYS.has(key) || key.startsWith('x-eov');
}

/** A stable string of a schema: keys sorted, documentation keys left out. Equal strings mean equal schemas. */
export function canonicalSchema(value: unknown): string {
  return JSON.stringify(normalize(value));
}

function normalize(value: unknown, names = false): unknown {
  if (Array.isArray(value)) return value.map((item) => normalize(item));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    if (names || !isDocKey(key)) out[key] = normalize((value as Record<string, unknown>)[key], !names && NAME_MAPS.has(key));
  }
  return out;
}

/**
 * Where two schemas differ, one line per difference, e.g. `properties.title.type: "string" vs "integer"`
 * (`absent` for a missing key). At most `limit` lines.
 */
export function schemaDifferences(a: unknown, b: unknown, limit = 10): string[] {
  const out: string[] = [];
  walk(normalize(a), normalize(b), '', out, limit);
  return out;
}

function walk(a: unknown, b: unknown, path: string, out: string[], limit: number): void {
  if (out.length >= limit) return;
  const bothObjects = a !== null && b !== null && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b);
  if (bothObjects && !Array.isArray(a)) {
    const left = a as Record<string, unknown>;
    const right = b as Record<string, unknown>;
    for (const key of [...new Set([...Object.keys(left), ...Object.keys(right)])].sort()) {
      walk(left[key], right[key], path ? `${path}.${key}` : key, out, limit);
    }
    return;
  }
  if (bothObjects && (a as unknown[]).length === (b as unknown[]).length) {
    (a as unknown[]).forEach((item, index) => walk(item, (b as unknown[])[index], `${path}[${index}]`, out, limit));
    return;
  }
  if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${path || '(schema)'}: ${show(a)} vs ${show(b)}`);
}

function show(value: unknown): string {
  if (value === undefined) return 'absent';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
