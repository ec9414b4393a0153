// Handler params: the declared path, query, header and cookie parameters of an operation, coerced by the validator.
import type { Request } from 'express';
import { InvalidParameter } from '../errors/builtin-errors';
import type { BoundOperation, OpenApiDocument } from '../openapi/types';
import { getMatchedOperation } from './pym-request';

interface ParameterSpec {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  schemaType?: string;
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
    byKey.set(`${parameter.in}:${parameter.name}`, { name: parameter.name, in: parameter.in, schemaType: schema?.type });
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

/**
 * A numeric parameter must be a number the handler can trust: written in decimal, finite, and for an integer
 * exactly representable (9007199254740993 would read as …992, another resource).
 */
function checkNumeric(parameter: ParameterSpec, value: unknown): void {
  if (parameter.schemaType !== 'integer' && parameter.schemaType !== 'number') return;
  const integer = parameter.schemaType === 'integer';
  const ok = typeof value === 'number' && Number.isFinite(value) && (!integer || Number.isSafeInteger(value));
  if (ok) return;
  const expected = integer ? 'a decimal integer between -(2^53 - 1) and 2^53 - 1' : 'a finite decimal number';
  const where = parameter.in === 'header' ? 'headers' : parameter.in;
  throw new InvalidParameter(`Invalid parameter: ${parameter.in} parameter ${parameter.name} must be ${expected}`, {
    errors: [{ path: `/${where}/${parameter.name}`, message: `must be ${expected}` }],
  });
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
          value = (req.query as Record<string, unknown>)[parameter.name];
          break;
        case 'header':
          value = req.headers[parameter.name.toLowerCase()];
          break;
        case 'cookie': {
          const raw = (req.cookies as Record<string, string> | undefined)?.[parameter.name];
          value = raw === undefined ? undefined : coerceScalar(raw, parameter.schemaType);
          break;
        }
      }
      if (value === undefined) continue;
      if (!Array.isArray(value)) checkNumeric(parameter, value);
      params[parameter.name] = value;
    }
    return params;
  };
}
