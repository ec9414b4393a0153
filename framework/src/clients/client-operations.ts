// The operations of a client's spec, as a caller needs them: method, path, parameters, request body, responses.
import { generatedOperationId } from '../openapi/list-operations';
import { SpecError } from '../openapi/spec-error';
import { HTTP_METHODS, type HttpMethod, type LoadedApi } from '../openapi/types';
import { requestBodyOf } from '../models/operation-schemas';
import { deref, isSchemaObject, type Schema, type SpecDocument } from '../models/schema-utils';

/** Where a parameter goes. */
export type ParameterLocation = 'path' | 'query' | 'header' | 'cookie';

/** One declared parameter of an operation. */
export interface ClientParameter {
  name: string;
  in: ParameterLocation;
  required: boolean;
  /** OpenAPI `style`, defaulted per location (`simple` for path and header, `form` for query and cookie). */
  style: string;
  /** OpenAPI `explode`, defaulted per style (true for `form`). */
  explode: boolean;
  /** Query values sent as they are (`allowReserved: true`). */
  allowReserved: boolean;
  schema?: Schema;
}

/** How a request body is sent. */
export interface ClientRequestBody {
  required: boolean;
  /** The media type sent: JSON when the operation accepts it, else the first one declared. */
  mediaType: string;
  /** The schema of that media type, if any. */
  schema?: Schema;
}

/** One operation of a client's spec. */
export interface ClientOperation {
  /** `operationId`, else generated from method and path like the server does (`getBooksId`). */
  operationId: string;
  method: HttpMethod;
  /** The path template as written in the spec, e.g. `/events/{eventId}`. */
  path: string;
  /** The spec's `servers[0]` path followed by `path`, e.g. `/v1/events/{eventId}`. */
  fullPath: string;
  parameters: ClientParameter[];
  requestBody?: ClientRequestBody;
  /** The bundled operation object (its `responses` are read when a reply comes). */
  operation: Record<string, any>;
  document: SpecDocument;
  /** A one-line description for docs and messages: `GET /v1/events/{eventId}`. */
  label: string;
}

const LOCATIONS: readonly string[] = ['path', 'query', 'header', 'cookie'];

/** True for JSON media types: `application/json`, `application/problem+json`, `*+json`. */
export function isJsonMediaType(type: string): boolean {
  return /^application\/(.+\+)?json\b/i.test(type) || /\+json\b/i.test(type);
}

/**
 * Every operation of a client's spec, by path then method. Unlike the server's listing, nothing about
 * handlers or security is checked: the callee enforces its own.
 *
 * @throws SpecError when two operations share an operationId (the client's method names).
 */
export function listClientOperations(api: LoadedApi): ClientOperation[] {
  const document = api.document;
  const operations: ClientOperation[] = [];
  const ids = new Map<string, string>();
  const paths = isSchemaObject(document.paths) ? document.paths : {};
  for (const [template, rawItem] of Object.entries(paths)) {
    if (template.startsWith('x-') || !isSchemaObject(rawItem)) continue;
    const pathItem = deref(document, rawItem);
    for (const method of HTTP_METHODS) {
      const operation = pathItem[method];
      if (!isSchemaObject(operation)) continue;
      const operationId = typeof operation.operationId === 'string' && operation.operationId ? operation.operationId : generatedOperationId(method, template);
      const label = `${method.toUpperCase()} ${api.basePath}${template}`;
      const same = ids.get(operationId);
      if (same) throw new SpecError(api.file, `operationId "${operationId}" of ${label} is also the operationId of ${same}; each needs its own`);
      ids.set(operationId, label);
      operations.push({
        operationId,
        method,
        path: template,
        fullPath: api.basePath + template,
        parameters: parametersOf(document, pathItem, operation),
        requestBody: requestBodyInfo(document, operation),
        operation,
        document,
        label,
      });
    }
  }
  return operations;
}

/** Path-level parameters, overridden by the operation's own of the same name and location. */
function parametersOf(document: SpecDocument, pathItem: Schema, operation: Schema): ClientParameter[] {
  const declared = new Map<string, ClientParameter>();
  for (const raw of [...(Array.isArray(pathItem.parameters) ? pathItem.parameters : []), ...(Array.isArray(operation.parameters) ? operation.parameters : [])]) {
    if (!isSchemaObject(raw)) continue;
    const parameter = deref(document, raw);
    if (typeof parameter.name !== 'string' || !LOCATIONS.includes(parameter.in)) continue;
    const location = parameter.in as ParameterLocation;
    const style = typeof parameter.style === 'string' ? parameter.style : location === 'path' || location === 'header' ? 'simple' : 'form';
    const contentSchema = isSchemaObject(parameter.content) ? Object.values(parameter.content).find(isSchemaObject)?.schema : undefined;
    declared.set(`${location}:${parameter.name}`, {
      name: parameter.name,
      in: location,
      required: location === 'path' || parameter.required === true,
      style,
      explode: typeof parameter.explode === 'boolean' ? parameter.explode : style === 'form',
      allowReserved: parameter.allowReserved === true,
      schema: isSchemaObject(parameter.schema) ? parameter.schema : isSchemaObject(contentSchema) ? contentSchema : undefined,
    });
  }
  return [...declared.values()];
}

function requestBodyInfo(document: SpecDocument, operation: Schema): ClientRequestBody | undefined {
  const body = requestBodyOf(document, operation);
  if (!body) return undefined;
  const content = isSchemaObject(body.content) ? body.content : {};
  const types = Object.keys(content);
  const mediaType = types.find(isJsonMediaType) ?? types[0] ?? 'application/json';
  const schema = content[mediaType]?.schema;
  return { required: body.required === true, mediaType, schema: isSchemaObject(schema) ? schema : undefined };
}
