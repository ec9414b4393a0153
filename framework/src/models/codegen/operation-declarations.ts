// The `Operations` interface of a generated module: per operation, its body, params and response types.
import { listOperations } from '../../openapi/list-operations';
import type { BoundOperation, LoadedApi } from '../../openapi/types';
import { jsonContentSchema, requestBodyOf, responseOf } from '../operation-schemas';
import { deref, isSchemaObject, type Schema } from '../schema-utils';
import { FRAMEWORK_NAMES } from './model-declarations';
import { docLines, propertyKey, quote } from './ts-source';
import type { TypeWriter } from './type-writer';

/**
 * `export interface Operations { <operationId>: { body; params; response } }` and
 * `export type Handler<K> = HandlerOf<Operations[K]>`. The body is in instance form (models arrive as
 * instances), params keep dates as strings, the response is the union of the 2xx JSON bodies in plain
 * form (a model instance fits too), `void` for a 2xx without content.
 */
export function declareOperations(api: LoadedApi, writer: TypeWriter): string[] {
  const lines = ['', '/** The types of each operation of this API: request body (models as instances), parameters, response. */'];
  const operations = listOperations([api]);
  if (operations.length === 0) lines.push('export interface Operations {}');
  else {
    lines.push('export interface Operations {');
    for (const operation of operations) {
      const summary = typeof operation.operation.summary === 'string' ? ` ${operation.operation.summary.trim()}` : '';
      lines.push(
        ...docLines({ description: `${operation.method.toUpperCase()} ${operation.fullPath}${summary ? ':' : ''}${summary}` }, '  '),
        `  ${propertyKey(operation.operationId)}: {`,
        `    body: ${bodyType(operation, writer)};`,
        `    params: ${paramsType(operation, writer)};`,
        `    response: ${responseType(operation, writer)};`,
        '  };',
      );
    }
    lines.push('}');
  }
  lines.push(
    '',
    '/**',
    " * The type of an operation's handler: tsc checks its body, params and return value.",
    ' *',
    ' * @example',
    ` * export const ${operations[0]?.operationId ?? 'someOperation'}: Handler<${quote(operations[0]?.operationId ?? 'someOperation')}> = async ({ body, params }) => ...;`,
    ' */',
    `export type Handler<K extends keyof Operations> = ${FRAMEWORK_NAMES.HandlerOf}<Operations[K]>;`,
  );
  return lines;
}

function bodyType(operation: BoundOperation, writer: TypeWriter): string {
  const requestBody = requestBodyOf(operation.api.document, operation.operation);
  if (!requestBody) return 'undefined';
  const schema = jsonContentSchema(requestBody.content);
  const type = schema ? writer.type(schema, 'instance', '    ') : 'unknown';
  return requestBody.required === true || type === 'unknown' ? type : `${type} | undefined`;
}

function paramsType(operation: BoundOperation, writer: TypeWriter): string {
  const document = operation.api.document;
  const pathItem = document.paths?.[operation.path];
  const declared = new Map<string, Schema>();
  for (const raw of [...(pathItem?.parameters ?? []), ...(operation.operation.parameters ?? [])]) {
    if (!isSchemaObject(raw)) continue;
    const parameter = deref(document, raw);
    if (typeof parameter.name === 'string' && typeof parameter.in === 'string') declared.set(`${parameter.in}:${parameter.name}`, parameter);
  }
  if (declared.size === 0) return '{}';
  const members = [...declared.values()].map((parameter) => {
    const schema = isSchemaObject(parameter.schema) ? parameter.schema : jsonContentSchema(parameter.content);
    const type = schema ? writer.type(schema, 'param', '      ') : 'string';
    const optional = parameter.in === 'path' || parameter.required === true ? '' : '?';
    return `${docLines(parameter, '      ').join('\n')}${parameter.description ? '\n' : ''}      ${propertyKey(parameter.name)}${optional}: ${type};`;
  });
  return `{\n${members.join('\n')}\n    }`;
}

function responseType(operation: BoundOperation, writer: TypeWriter): string {
  const responses = operation.operation.responses;
  const codes = isSchemaObject(responses) ? Object.keys(responses).filter((code) => /^2(\d\d|XX)$/i.test(code)) : [];
  if (codes.length === 0) return 'unknown';
  const types = codes.map((code) => {
    const response = responseOf(operation.api.document, operation.operation, code === '2XX' || code === '2xx' ? 200 : Number(code));
    if (!response?.content || Object.keys(response.content).length === 0) return 'void';
    const schema = jsonContentSchema(response.content);
    return schema ? writer.type(schema, 'fields', '    ') : 'unknown';
  });
  const unique = [...new Set(types)];
  return unique.includes('unknown') ? 'unknown' : unique.join(' | ');
}
