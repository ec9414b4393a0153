// Contract-test helper: read a served OpenAPI document with Ajv (not pym's validator), make requests from it, check replies.
import { randomUUID } from 'node:crypto';
import Ajv, { type AnySchema, type ValidateFunction } from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import AjvDraft04 from 'ajv-draft-04';
import addFormats from 'ajv-formats';

/** A decoded OpenAPI document or part of one. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
/** OpenAPI's own formats, which JSON Schema does not define: any value of the right type passes. */
const OPENAPI_FORMATS = ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password'];
/** Keywords OpenAPI adds to its schemas that say nothing about validity. */
const OPENAPI_KEYWORDS = ['example', 'xml', 'externalDocs', 'deprecated', 'readOnly', 'writeOnly', 'discriminator'];

/** One operation of a served spec. */
export interface SpecOperation {
  api: string;
  method: string;
  /** The path template with the server's base path, e.g. `/v1/books/{bookId}`. */
  path: string;
  operationId: string;
  operation: Json;
  /** The operation's JSON pointer in the document, e.g. `/paths/~1books/get`. */
  pointer: string;
  /** Path-level and operation-level parameters, resolved. */
  parameters: Json[];
  /** The JSON schema of the request body, if the operation takes a JSON one. */
  bodySchema?: Json;
  /** Whether a token is required (a `security` without an anonymous `{}` alternative). */
  secured: boolean;
}

/** A reply as the contract test saw it. */
export interface Reply {
  status: number;
  contentType: string | null;
  headers: Headers;
  text: string;
}

/** Escape one JSON pointer segment. */
const pointerSegment = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** One served spec, compiled with Ajv (draft-04 for OpenAPI 3.0, 2020-12 for 3.1) and ajv-formats. */
export class ContractSpec {
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor(
    readonly api: string,
    readonly document: Json,
  ) {
    const is31 = String(document.openapi).startsWith('3.1');
    const options = { allErrors: true, strict: false, validateFormats: true } as const;
    this.ajv = is31 ? new Ajv2020(options) : (new AjvDraft04(options) as unknown as Ajv);
    addFormats(this.ajv);
    for (const format of OPENAPI_FORMATS) this.ajv.addFormat(format, true);
    for (const keyword of OPENAPI_KEYWORDS) if (!this.ajv.getKeyword(keyword)) this.ajv.addKeyword(keyword);
    this.ajv.addSchema(document as AnySchema, 'spec');
  }

  /** Every operation, with its base path (`servers[0].url`'s path). */
  operations(): SpecOperation[] {
    const base = new URL(this.document.servers?.[0]?.url ?? '/', 'http://host').pathname.replace(/\/$/, '');
    const operations: SpecOperation[] = [];
    for (const [template, item] of Object.entries<Json>(this.document.paths ?? {})) {
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        const parameters = [...(item.parameters ?? []), ...(operation.parameters ?? [])].map((parameter: Json) => this.resolve(parameter).value);
        const body = operation.requestBody ? this.resolve(operation.requestBody).value : undefined;
        const security = operation.security ?? this.document.security ?? [];
        operations.push({
          api: this.api,
          method: method.toUpperCase(),
          path: base + template,
          operationId: operation.operationId,
          operation,
          pointer: `/paths/${pointerSegment(template)}/${method}`,
          parameters,
          bodySchema: body?.content?.['application/json']?.schema,
          secured: security.length > 0 && !security.some((requirement: Json) => Object.keys(requirement).length === 0),
        });
      }
    }
    return operations;
  }

  /** Whether `value` fits `schema` (a schema object of this document). */
  fits(schema: Json, value: unknown): boolean {
    const ref = this.refTo(schema);
    return this.ajv.validate(ref === undefined ? schema : { $ref: ref }, value) as boolean;
  }

  /**
   * What is wrong with `reply` as an answer of `operation` (empty when nothing): its status must be declared (an
   * exact code or a `4XX` range; `default` would declare any status, and the example's specs never use it), its
   * content type one the response declares, its body valid against that schema (a response without content: no
   * body), and each required header present.
   */
  problems(operation: SpecOperation, reply: Reply): string[] {
    const responses = operation.operation.responses ?? {};
    const key = [String(reply.status), `${String(reply.status)[0]}XX`].find((code) => code in responses);
    if (key === undefined) return [`status ${reply.status} is not declared (declared: ${Object.keys(responses).join(', ')})`];
    const { value: response, pointer } = this.resolve(responses[key], `${operation.pointer}/responses/${key}`);
    const problems: string[] = [];
    for (const [name, header] of Object.entries<Json>(response.headers ?? {})) {
      if (this.resolve(header).value.required === true && !reply.headers.has(name)) problems.push(`required header ${name} is missing`);
    }
    const content = response.content ?? {};
    if (Object.keys(content).length === 0) {
      if (reply.text !== '') problems.push(`has a body (${reply.contentType}) but response ${key} declares no content`);
      return problems;
    }
    const type = (reply.contentType ?? '').split(';')[0]!.trim();
    if (!(type in content)) return [...problems, `content type ${type || '(none)'} is not declared for ${key} (${Object.keys(content).join(', ')})`];
    if (content[type].schema === undefined) return problems;
    const validate = this.compile(`${pointer}/content/${pointerSegment(type)}/schema`);
    let body: unknown;
    try {
      body = JSON.parse(reply.text);
    } catch {
      return [...problems, `body is not JSON: ${reply.text.slice(0, 80)}`];
    }
    if (!validate(body)) problems.push(`body does not match response ${key}: ${this.ajv.errorsText(validate.errors)}`);
    return problems;
  }

  /** A value valid against `schema`: its example or default, else one made from its type. */
  sample(schema: Json, depth = 0): unknown {
    const { value } = this.resolve(schema);
    if (value.example !== undefined) return value.example;
    if (value.default !== undefined) return value.default;
    if (value.enum) return value.enum[0];
    if (value.allOf) return Object.assign({}, ...value.allOf.map((part: Json) => this.sample(part, depth + 1)));
    if (value.oneOf || value.anyOf) return this.sample((value.oneOf ?? value.anyOf)[0], depth + 1);
    switch (value.type) {
      case 'object': {
        const out: Record<string, unknown> = {};
        for (const [name, property] of Object.entries<Json>(value.properties ?? {})) {
          if ((value.required ?? []).includes(name) || depth === 0) out[name] = this.sample(property, depth + 1);
        }
        return out;
      }
      case 'array':
        return Array.from({ length: Math.max(1, value.minItems ?? 1) }, () => this.sample(value.items, depth + 1));
      case 'integer':
      case 'number':
        return value.minimum ?? 1;
      case 'boolean':
        return true;
      default:
        return sampleString(value);
    }
  }

  /** A value that breaks `schema` (a parameter's): the first of a few candidates that does; none when none does. */
  invalidValues(schema: Json): string[] {
    const { value } = this.resolve(schema);
    const candidates = ['not-a-number', 'maybe', '!', 'x'.repeat((value.maxLength ?? 0) + 1), '0', '-1', '99999999'];
    return candidates.filter((candidate) => !this.fits(value, coerce(value, candidate))).slice(0, 1);
  }

  /** A value valid against `schema` that no resource has: a fresh UUID, or fresh lower-case letters. */
  unknownValue(schema: Json): string | undefined {
    const { value } = this.resolve(schema);
    return [randomUUID(), `unknown-${randomUUID().slice(0, 8)}`].find((candidate) => this.fits(value, candidate));
  }

  /** Follow an internal `$ref`; returns the object and its JSON pointer in the document when known. */
  resolve(node: Json, pointer = ''): { value: Json; pointer: string } {
    let current = node;
    let where = pointer;
    for (let hops = 0; current?.$ref !== undefined && hops < 20; hops++) {
      where = String(current.$ref).slice(1);
      current = where
        .split('/')
        .slice(1)
        .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
        .reduce((parent: Json, segment) => parent?.[segment], this.document);
    }
    return { value: current, pointer: where };
  }

  private refTo(schema: Json): string | undefined {
    if (schema?.$ref !== undefined) return `spec${schema.$ref}`;
    const pointer = findPointer(this.document, schema, '');
    return pointer === undefined ? undefined : `spec#${pointer}`;
  }

  private compile(pointer: string): ValidateFunction {
    let validate = this.compiled.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `spec#${pointer}` });
      this.compiled.set(pointer, validate);
    }
    return validate;
  }
}

/** The JSON pointer of `target` (by identity) inside `node`. */
function findPointer(node: Json, target: Json, pointer: string): string | undefined {
  if (node === target) return pointer;
  if (node === null || typeof node !== 'object') return undefined;
  for (const [key, child] of Object.entries(node)) {
    const found = findPointer(child, target, `${pointer}/${pointerSegment(key)}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** A string parameter's value as the server reads it: numbers and booleans coerced, like the query string's. */
function coerce(schema: Json, text: string): unknown {
  if (schema.type === 'integer' || schema.type === 'number') return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  if (schema.type === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
  return text;
}

function sampleString(schema: Json): string {
  switch (schema.format) {
    case 'email':
      return `contract-${randomUUID().slice(0, 8)}@example.org`;
    case 'uuid':
      return randomUUID();
    case 'date-time':
      return new Date().toISOString();
    case 'date':
      return new Date().toISOString().slice(0, 10);
    default:
      return 'x'.repeat(Math.max(1, schema.minLength ?? 1));
  }
}
