// List the operations of loaded APIs with what the HTTP layer needs: auth mode, success status, binding.
import { isPlainObject } from './bundle-kinds';
import { parsePointer, resolvePointer } from './json-pointer';
import { displayPath, SpecError } from './spec-error';
import { type AuthMode, type BoundOperation, type HandlerBinding, HTTP_METHODS, type HttpMethod, type LoadedApi } from './types';

/**
 * Every operation of every API, in API order then path order then method order.
 *
 * @throws SpecError when two operations share a method and path (`/books/{id}` and
 *   `/books/{bookId}` are the same path), two share an operationId, or an `x-bind-server` is
 *   malformed. Generated operationIds take part in the check: add an `operationId` to resolve.
 *
 * @example
 * listOperations(apis).map((op) => `${op.method.toUpperCase()} ${op.fullPath} ${op.auth}`);
 * // ['GET /v1/books none', 'POST /v1/books required']
 */
export function listOperations(apis: LoadedApi[]): BoundOperation[] {
  const operations: BoundOperation[] = [];
  const byRoute = new Map<string, BoundOperation>();
  const byId = new Map<string, BoundOperation>();
  for (const api of apis) {
    const paths = isPlainObject(api.document.paths) ? api.document.paths : {};
    for (const [template, rawItem] of Object.entries(paths)) {
      if (template.startsWith('x-')) continue;
      const pathItem = resolveInternal(api, rawItem);
      if (!isPlainObject(pathItem)) continue;
      for (const method of HTTP_METHODS) {
        const operation = pathItem[method];
        if (!isPlainObject(operation)) continue;
        const bound = bindOperation(api, method, template, operation);
        const routeKey = `${method} ${bound.fullPath.replace(/\{[^}]*\}/g, '{}')}`;
        const sameRoute = byRoute.get(routeKey);
        if (sameRoute) {
          throw new SpecError(
            api.file,
            `${describe(bound)} is also declared by ${displayPath(sameRoute.api.file)} (${describe(sameRoute)}); each method and path may be served once`,
          );
        }
        const sameId = byId.get(bound.operationId);
        if (sameId) {
          const generated = bound.operation.operationId === undefined || sameId.operation.operationId === undefined;
          throw new SpecError(
            api.file,
            `operationId "${bound.operationId}" of ${describe(bound)} is also the operationId of ${describe(sameId)} in ${displayPath(sameId.api.file)}${generated ? ' (generated from method and path: set an explicit operationId)' : ''}`,
          );
        }
        byRoute.set(routeKey, bound);
        byId.set(bound.operationId, bound);
        operations.push(bound);
      }
    }
  }
  return operations;
}

function bindOperation(api: LoadedApi, method: HttpMethod, template: string, operation: Record<string, any>): BoundOperation {
  const fullPath = api.basePath + template;
  return {
    api,
    operationId: typeof operation.operationId === 'string' && operation.operationId ? operation.operationId : generatedOperationId(method, template),
    method,
    path: template,
    fullPath,
    operation,
    auth: authMode(checkedSecurity(api, method, fullPath, operation.security ?? api.document.security)),
    successStatus: successStatus(operation.responses),
    hasRequestBody: operation.requestBody !== undefined && operation.requestBody !== null,
    bind: parseBinding(operation['x-bind-server'], api, method, fullPath),
  };
}

/**
 * `security` as given, once every scheme it names is one pym enforces: an HTTP bearer (JWT) scheme, or OAuth2 /
 * OpenID Connect (bearer tokens too). An API key or HTTP Basic scheme would be taken for a bearer JWT, and its
 * credential never checked: refused at startup. A scheme pym cannot find (a $ref to another file) is not checked.
 */
function checkedSecurity(api: LoadedApi, method: HttpMethod, fullPath: string, security: unknown): unknown {
  if (!Array.isArray(security)) return security;
  const schemes = (api.document as { components?: { securitySchemes?: Record<string, unknown> } }).components?.securitySchemes ?? {};
  for (const requirement of security) {
    if (!isPlainObject(requirement)) continue;
    for (const name of Object.keys(requirement)) {
      const scheme = resolveInternal(api, schemes[name]);
      if (!isPlainObject(scheme) || typeof scheme.type !== 'string') continue;
      const bearer = scheme.type === 'http' ? String(scheme.scheme).toLowerCase() === 'bearer' : ['oauth2', 'openIdConnect'].includes(scheme.type);
      if (bearer) continue;
      const kind = scheme.type === 'http' ? `HTTP ${String(scheme.scheme)}` : scheme.type;
      throw new SpecError(
        api.file,
        `${method.toUpperCase()} ${fullPath}: security scheme "${name}" is ${kind}, which pym does not enforce (it verifies bearer JWTs only); use an http bearer scheme, or check that credential in the handler and leave it out of security`,
      );
    }
  }
  return security;
}

/** `get` + `/books/{id}/reviews` → `getBooksIdReviews`; `get` + `/` → `getRoot`. */
export function generatedOperationId(method: HttpMethod, template: string): string {
  const words = template.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const pascal = words.map((word) => word[0].toUpperCase() + word.slice(1)).join('');
  return `${method}${pascal || 'Root'}`;
}

/**
 * What a `security` requirement list asks for: none if absent or `[]`, optional if one
 * alternative is `{}` (anonymous allowed), required otherwise.
 */
export function authMode(security: unknown): AuthMode {
  if (!Array.isArray(security) || security.length === 0) return 'none';
  const anonymous = security.some((requirement) => isPlainObject(requirement) && Object.keys(requirement).length === 0);
  return anonymous ? 'optional' : 'required';
}

/** 200 if declared, else the lowest declared 2xx status, else 200 (`2XX` ranges count as 200). */
export function successStatus(responses: unknown): number {
  if (!isPlainObject(responses)) return 200;
  const statuses = Object.keys(responses)
    .filter((code) => /^2\d\d$/.test(code))
    .map(Number);
  if (statuses.length === 0 || statuses.includes(200)) return 200;
  return Math.min(...statuses);
}

/** Parse `x-bind-server: <module>#<export>`; undefined when absent. */
function parseBinding(value: unknown, api: LoadedApi, method: HttpMethod, fullPath: string): HandlerBinding | undefined {
  if (value === undefined) return undefined;
  const fail = (why: string): never => {
    throw new SpecError(api.file, `${method.toUpperCase()} ${fullPath}: x-bind-server ${JSON.stringify(value)} ${why}; expected "<module>#<export>", e.g. "handlers/books#getBook"`);
  };
  if (typeof value !== 'string') return fail('is not a string');
  const raw = value.trim();
  const parts = raw.split('#');
  if (parts.length === 1) return fail("has no '#'");
  if (parts.length > 2) return fail("has more than one '#'");
  const [module, exportName] = parts.map((part) => part.trim());
  if (!module) return fail('has no module before the #');
  if (!exportName) return fail('has no export name after the #');
  return { module, exportName, raw: value };
}

/** A path item may be an internal `$ref` (OpenAPI 3.1 `components.pathItems`). */
function resolveInternal(api: LoadedApi, value: unknown): unknown {
  if (!isPlainObject(value) || typeof value.$ref !== 'string' || !value.$ref.startsWith('#')) return value;
  const segments = parsePointer(value.$ref.slice(1));
  const found = segments ? resolvePointer(api.document, segments) : undefined;
  if (!found?.found) throw new SpecError(api.file, `path item $ref "${value.$ref}" points nowhere`);
  return found.value;
}

function describe(operation: BoundOperation): string {
  return `${operation.method.toUpperCase()} ${operation.fullPath}`;
}
