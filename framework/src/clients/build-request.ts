// Turn a client call's input into the request: URL with path and query parameters, headers, encoded body.
import { compileSchema } from '../models/codec';
import { isPlainObject } from '../models/model';
import { toWire } from '../models/to-wire';
import { isSchemaObject } from '../models/schema-utils';
import type { ClientOperation, ClientParameter } from './client-operations';
import { isJsonMediaType } from './client-operations';

/** What a generated client method takes: the operation's parameters by name, and its body. */
export interface ClientInput {
  params?: Record<string, unknown>;
  body?: unknown;
}

/** A request ready for fetch. */
export interface BuiltRequest {
  /** Absolute URL. */
  url: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body?: string | Uint8Array | FormData;
}

/** A caller's mistake in a call's input (a missing path parameter, a body the operation does not take). */
export class ClientInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClientInputError';
  }
}

/**
 * The request of `operation` at `baseUrl` for `input`. Path parameters are percent-encoded (`.` and `..` are
 * refused: no encoding keeps a URL parser from resolving them); query, header and cookie parameters follow their OpenAPI `style` and
 * `explode`; a JSON body is serialized along its schema (models, Dates, `format: date`).
 *
 * @throws ClientInputError for a missing required parameter or body, a body the operation does not declare, a
 *   `.` or `..` path parameter, a header parameter holding a line break.
 */
export function buildRequest(baseUrl: string, operation: ClientOperation, input: ClientInput, name: string): BuiltRequest {
  const where = `${name}.${operation.operationId}`;
  const params = input.params ?? {};
  const headers: Record<string, string> = { accept: acceptOf(operation) };
  const query: string[] = [];
  const cookies: string[] = [];
  let path = operation.fullPath;
  for (const parameter of operation.parameters) {
    const value = params[parameter.name];
    if (value === undefined || value === null) {
      if (parameter.required) throw new ClientInputError(`${where}: ${parameter.in} parameter ${parameter.name} is required`);
      continue;
    }
    switch (parameter.in) {
      case 'path': {
        const segment = simpleValue(parameter, value, encodeURIComponent);
        // A URL parser resolves `.` and `..` segments, encoded or not: such a value would reach another path.
        if (segment === '.' || segment === '..') throw new ClientInputError(`${where}: path parameter ${parameter.name} cannot be "${segment}"`);
        path = path.split(`{${parameter.name}}`).join(segment);
        break;
      }
      case 'query':
        query.push(...queryPairs(parameter, value));
        break;
      case 'header': {
        const text = simpleValue(parameter, value, String);
        if (/[\r\n\0]/.test(text)) throw new ClientInputError(`${where}: header parameter ${parameter.name} holds a line break`);
        headers[parameter.name.toLowerCase()] = text;
        break;
      }
      case 'cookie':
        cookies.push(`${parameter.name}=${simpleValue(parameter, value, encodeURIComponent)}`);
        break;
    }
  }
  if (cookies.length > 0) headers.cookie = cookies.join('; ');
  const url = `${baseUrl.replace(/\/+$/, '')}${path}${query.length > 0 ? `?${query.join('&')}` : ''}`;
  return { url, headers, ...encodeBody(operation, input.body, headers, where) };
}

/** What the call accepts: every media type the operation's responses declare, and JSON for errors. */
function acceptOf(operation: ClientOperation): string {
  const types = new Set<string>(['application/json']);
  const responses = isSchemaObject(operation.operation.responses) ? operation.operation.responses : {};
  for (const response of Object.values(responses)) {
    if (isSchemaObject(response) && isSchemaObject(response.content)) for (const type of Object.keys(response.content)) types.add(type);
  }
  return [...types].join(', ');
}

function encodeBody(operation: ClientOperation, body: unknown, headers: Record<string, string>, where: string): Pick<BuiltRequest, 'body'> {
  const declared = operation.requestBody;
  if (body === undefined) {
    if (declared?.required) throw new ClientInputError(`${where}: the request body is required`);
    return {};
  }
  if (!declared) throw new ClientInputError(`${where}: ${operation.label} takes no request body`);
  const type = declared.mediaType;
  if (body instanceof FormData) return { body }; // multipart: fetch writes the Content-Type with its boundary
  headers['content-type'] = type;
  if (isJsonMediaType(type)) return { body: JSON.stringify(wireValue(operation, body)) };
  if (/^application\/x-www-form-urlencoded\b/i.test(type)) return { body: formBody(wireValue(operation, body)) };
  if (typeof body === 'string' || body instanceof Uint8Array) return { body };
  throw new ClientInputError(`${where}: a ${type} body must be a string or bytes`);
}

/** The body as JSON data, serialized along the operation's body schema (so `format: date` is honoured). */
function wireValue(operation: ClientOperation, body: unknown): unknown {
  const schema = operation.requestBody?.schema;
  const codec = schema ? compileSchema(operation.document, schema) : undefined;
  return toWire(codec ? codec.encode(body) : body);
}

function formBody(data: unknown): string {
  if (!isPlainObject(data)) throw new ClientInputError('a form body must be an object');
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined || value === null) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      pairs.push(`${encodeURIComponent(key)}=${encodeURIComponent(typeof item === 'object' ? JSON.stringify(item) : String(item))}`);
    }
  }
  return pairs.join('&');
}

/** A scalar as text: Dates as ISO date-times (`YYYY-MM-DD` for `format: date`). */
function scalar(parameter: ClientParameter, value: unknown): string {
  if (value instanceof Date) return parameter.schema?.format === 'date' ? value.toISOString().slice(0, 10) : value.toISOString();
  return String(value);
}

/** `simple` style (path and header): arrays and objects comma-separated, `k=v` pairs when exploded. */
function simpleValue(parameter: ClientParameter, value: unknown, encode: (text: string) => string): string {
  if (Array.isArray(value)) return value.map((item) => encode(scalar(parameter, item))).join(',');
  if (isPlainObject(value)) {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined && item !== null);
    const separator = parameter.explode ? '=' : ',';
    return entries.map(([key, item]) => `${encode(key)}${separator}${encode(scalar(parameter, item))}`).join(',');
  }
  return encode(scalar(parameter, value));
}

function queryPairs(parameter: ClientParameter, value: unknown): string[] {
  const name = encodeURIComponent(parameter.name);
  const text = (item: unknown) => encodeURIComponent(scalar(parameter, item));
  if (Array.isArray(value)) {
    const items = value.filter((item) => item !== undefined && item !== null);
    if (parameter.style === 'form' && parameter.explode) return items.map((item) => `${name}=${text(item)}`);
    const separator = parameter.style === 'spaceDelimited' ? '%20' : parameter.style === 'pipeDelimited' ? '|' : ',';
    return [`${name}=${items.map(text).join(separator)}`];
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value).filter(([, item]) => item !== undefined && item !== null);
    if (parameter.style === 'deepObject') return entries.map(([key, item]) => `${name}%5B${encodeURIComponent(key)}%5D=${text(item)}`);
    if (parameter.explode) return entries.map(([key, item]) => `${encodeURIComponent(key)}=${text(item)}`);
    return [`${name}=${entries.map(([key, item]) => `${encodeURIComponent(key)},${text(item)}`).join(',')}`];
  }
  return [`${name}=${text(value)}`];
}
