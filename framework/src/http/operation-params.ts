// Handler params: the declared path, query, header and cookie parameters of an operation, coerced by the validator.
import querystring from 'node:querystring';
import type { Request } from 'express';
import { InvalidParameter } from '../errors/builtin-errors';
import type { PymError } from '../errors/pym-error';
import type { BoundOperation, OpenApiDocument } from '../openapi/types';
import { getMatchedOperation } from './pym-request';

interface ParameterSpec {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  schemaType?: string;
  /** The item type of an array parameter. */
  itemsType?: string;
  /** How an array query parameter is written (OpenAPI `style`, `explode`). */
  style?: string;
  explode?: boolean;
}

function resolveLocalRef(document: OpenApiDocument, value: Record<string, any>): Record<string, any> {
  let current = value;
  for (let hops = 0; typeof current?.$ref === 'string' && hops < 32; hops++) {
    const ref: string = current.$ref;
    if (!ref.startsWith('#/')) break;
    current = ref
      .slice(2)
      .split('/')
      .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
      .reduce<any>((node, part) => node?.[part], document);
  }
  return current;
}

/** The parameters an operation declares (path-level ones included, operation-level ones winning). */
export function declaredParameters(operation: BoundOperation): ParameterSpec[] {
  const document = operation.api.document;
  const pathItem = document.paths?.[operation.path] ?? {};
  const byKey = new Map<string, ParameterSpec>();
  for (const raw of [...(pathItem.parameters ?? []), ...(operation.operation.parameters ?? [])]) {
    const parameter = resolveLocalRef(document, raw);
    if (!parameter?.name || !parameter.in) continue;
    const schema = parameter.schema ? resolveLocalRef(document, parameter.schema) : undefined;
    const items = schema?.items ? resolveLocalRef(document, schema.items) : undefined;
    byKey.set(`${parameter.in}:${parameter.name}`, {
      name: parameter.name,
      in: parameter.in,
      schemaType: schema?.type,
      itemsType: items?.type,
      style: parameter.style,
      explode: parameter.explode,
    });
  }
  return [...byKey.values()];
}

/** Decimal text only: `Number()` also reads `0x10`, `1e3`, ` 1` and `Infinity`, which the validator lets through. */
const DECIMAL = { integer: /^-?(0|[1-9]\d*)$/, number: /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/ };

function coerceScalar(value: string, type: string | undefined): unknown {
  if (type === 'integer' || type === 'number') return DECIMAL[type].test(value) ? Number(value) : value;
  if (type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  return value;
}

const isNumericType = (type: string | undefined): type is 'integer' | 'number' => type === 'integer' || type === 'number';

/** The separator of an array query parameter written as one value (`explode: false`), by style. */
const ARRAY_SEPARATORS: Record<string, string> = { form: ',', spaceDelimited: ' ', pipeDelimited: '|' };

/**
 * The texts a numeric query or header parameter was sent as: the validator coerces `req.query` and `req.headers` in
 * place with Number() (`0x10` becomes 16, `%205` 5), so the check reads what the client wrote.
 */
function rawNumericTexts(parameter: ParameterSpec, req: Request): string[] {
  let raw: string[];
  if (parameter.in === 'query') {
    const search = req.originalUrl.indexOf('?');
    const value = search < 0 ? undefined : querystring.parse(req.originalUrl.slice(search + 1))[parameter.name];
    raw = value === undefined ? [] : Array.isArray(value) ? value : [value];
  } else {
    raw = [];
    const wanted = parameter.name.toLowerCase();
    for (let index = 0; index < req.rawHeaders.length; index += 2) {
      if (req.rawHeaders[index]!.toLowerCase() === wanted) raw.push(req.rawHeaders[index + 1]!);
    }
    if (raw.length > 1) raw = [raw.join(', ')]; // Node joins repeated headers so: not one number
  }
  if (parameter.schemaType !== 'array') return raw;
  const explode = parameter.explode ?? (parameter.style ?? 'form') === 'form';
  const separator = parameter.in === 'header' ? ',' : explode ? undefined : ARRAY_SEPARATORS[parameter.style ?? 'form'];
  return separator === undefined ? raw : raw.flatMap((value) => value.split(separator));
}

/** A query or header parameter sent as a numeric text that is not decimal (`0x10`, `1e1` for an integer, ` 5`): a 400. */
function checkNumericTexts(parameter: ParameterSpec, req: Request): void {
  const type = parameter.schemaType === 'array' ? parameter.itemsType : parameter.schemaType;
  if (!isNumericType(type)) return;
  for (const text of rawNumericTexts(parameter, req)) {
    const value = parameter.in === 'header' ? text.trim() : text; // HTTP drops a header value's surrounding spaces
    if (!DECIMAL[type].test(value)) throw numericError(parameter, type);
  }
}

function numericError(parameter: ParameterSpec, type: 'integer' | 'number'): PymError {
  const expected = type === 'integer' ? 'a decimal integer between -(2^53 - 1) and 2^53 - 1' : 'a finite decimal number';
  const where = parameter.in === 'header' ? 'headers' : parameter.in;
  return new InvalidParameter(`Invalid parameter: ${parameter.in} parameter ${parameter.name} must be ${expected}`, {
    errors: [{ path: `/${where}/${parameter.name}`, message: `must be ${expected}` }],
  });
}

/**
 * A numeric parameter must be a number the handler can trust: written in decimal, finite, and for an integer
 * exactly representable (9007199254740993 would read as …992, another resource).
 */
function checkNumeric(parameter: ParameterSpec, value: unknown): void {
  const type = parameter.schemaType;
  if (!isNumericType(type)) return;
  const ok = typeof value === 'number' && Number.isFinite(value) && (type !== 'integer' || Number.isSafeInteger(value));
  if (!ok) throw numericError(parameter, type);
}

/** Build the `params` getter of one operation (computed once at startup). */
export function paramsReader(operation: BoundOperation): (req: Request) => Record<string, unknown> {
  const parameters = declaredParameters(operation);
  if (parameters.length === 0) return () => ({});
  return (req) => {
    const params: Record<string, unknown> = {};
    for (const parameter of parameters) {
      let value: unknown;
      switch (parameter.in) {
        case 'path': {
          // Not req.params: Express restores it when the validator's router returns. The validator has
          // checked the value against its schema, so scalar coercion is enough here.
          const raw = getMatchedOperation(req)?.pathParams[parameter.name];
          value = raw === undefined ? undefined : coerceScalar(raw, parameter.schemaType);
          break;
        }
        case 'query':
          checkNumericTexts(parameter, req);
          value = (req.query as Record<string, unknown>)[parameter.name];
          break;
        case 'header':
          checkNumericTexts(parameter, req);
          value = req.headers[parameter.name.toLowerCase()];
          break;
        case 'cookie': {
          const raw = (req.cookies as Record<string, string> | undefined)?.[parameter.name];
          value = raw === undefined ? undefined : coerceScalar(raw, parameter.schemaType);
          break;
        }
      }
      if (value === undefined) continue;
      if (Array.isArray(value)) value.forEach((item) => checkNumeric({ ...parameter, schemaType: parameter.itemsType }, item));
      else checkNumeric(parameter, value);
      params[parameter.name] = value;
    }
    return params;
  };
}
