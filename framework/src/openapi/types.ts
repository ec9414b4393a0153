// Types shared by the spec loader, the operation binder and the route matcher.

/** The HTTP methods an OpenAPI path item may declare, in the spec's lower case. */
export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';

/** Every method a path item may hold, in the order OpenAPI lists them. */
export const HTTP_METHODS: readonly HttpMethod[] = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * An OpenAPI 3.0/3.1 document, kept loose on purpose: pym reads only a few fields itself and
 * hands the whole document to express-openapi-validator, which checks it against the spec.
 */
export type OpenApiDocument = Record<string, any>;

/** One API served by the service: a spec file, bundled so that every `$ref` is internal. */
export interface LoadedApi {
  /** The file's base name without extension, e.g. `books`; unique among the service's APIs. */
  name: string;
  /** Absolute path of the spec file, or `<builtin>` for a spec built in memory. */
  file: string;
  /** The OpenAPI minor version the document declares. */
  version: '3.0' | '3.1';
  /** The path of `servers[0].url`, e.g. `/v1`; `''` when it is `/`, absent or only a host. Never ends with `/`. */
  basePath: string;
  /** The bundled document: every `$ref` is internal (`#/components/...`); external files are hoisted into it. */
  document: OpenApiDocument;
}

/**
 * What an operation's effective `security` asks of the caller: `required` (a token is needed),
 * `optional` (one alternative is `{}`, so a token is checked only when sent) or `none`.
 */
export type AuthMode = 'required' | 'optional' | 'none';

/** Where an operation's handler lives, parsed from `x-bind-server: <module>#<export>`. */
export interface HandlerBinding {
  /** Module path relative to the service's source folder, without extension, e.g. `handlers/books`. */
  module: string;
  /** The name of the exported function, e.g. `getBook`. */
  exportName: string;
  /** The `x-bind-server` value as written. */
  raw: string;
}

/** One operation of one API, with what the HTTP layer needs to serve it. */
export interface BoundOperation {
  api: LoadedApi;
  /** `operation.operationId`, else `${method}${PascalPath}`, e.g. `getBooksId`. */
  operationId: string;
  method: HttpMethod;
  /** The OpenAPI path template as written, e.g. `/books/{id}`. */
  path: string;
  /** `basePath + path`, e.g. `/v1/books/{id}`. */
  fullPath: string;
  /** The bundled operation object. */
  operation: Record<string, any>;
  /** From `operation.security ?? document.security`. */
  auth: AuthMode;
  /** The status a successful reply gets: 200 if declared, else the lowest declared 2xx, else 200. */
  successStatus: number;
  hasRequestBody: boolean;
  /** Parsed `x-bind-server`; absent when the operation has none. */
  bind?: HandlerBinding;
}
