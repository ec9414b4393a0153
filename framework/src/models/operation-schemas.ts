// Find the JSON schemas of an operation: its request body and the response of a status.
import { deref, isSchemaObject, type Schema, type SpecDocument } from './schema-utils';

/** The schema of the JSON media type of a `content` map (`application/json`, `*+json`), if any. */
export function jsonContentSchema(content: unknown): Schema | undefined {
  if (!isSchemaObject(content)) return undefined;
  const key = Object.keys(content).find((type) => /^application\/(.+\+)?json\b/i.test(type) || /\+json\b/i.test(type));
  const schema = key === undefined ? undefined : content[key]?.schema;
  return isSchemaObject(schema) ? schema : undefined;
}

/** The request body object of an operation (following a `#/components/requestBodies` ref), if any. */
export function requestBodyOf(document: SpecDocument, operation: Record<string, any>): Schema | undefined {
  return isSchemaObject(operation.requestBody) ? deref(document, operation.requestBody) : undefined;
}

/** The JSON schema of an operation's request body, if any. */
export function requestBodySchema(document: SpecDocument, operation: Record<string, any>): Schema | undefined {
  return jsonContentSchema(requestBodyOf(document, operation)?.content);
}

/** The response object of a status: exact code, else `2XX`-style range, else `default`. */
export function responseOf(document: SpecDocument, operation: Record<string, any>, status: number): Schema | undefined {
  const responses = operation.responses;
  if (!isSchemaObject(responses)) return undefined;
  const found = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
  return isSchemaObject(found) ? deref(document, found) : undefined;
}

/** The JSON schema of the response of a status, if any. */
export function responseSchema(document: SpecDocument, operation: Record<string, any>, status: number): Schema | undefined {
  return jsonContentSchema(responseOf(document, operation, status)?.content);
}
