// express-openapi-validator wiring: one validator per API, its spec loaded and checked at startup.
import type { Request, RequestHandler } from 'express';
import { OpenApiValidator } from 'express-openapi-validator/dist/openapi.validator';
import { OpenApiSpecLoader } from 'express-openapi-validator/dist/framework/openapi.spec.loader';
import type { LoadedApi } from '../openapi/types';
import { isPlainObject } from '../openapi/bundle-kinds';
import { SpecError } from '../openapi/spec-error';
import { InvalidParameter } from '../errors/builtin-errors';
import { chain } from './chain';
import { stackOverflowAsTooDeep, tooDeepError } from './json-depth';
import { getBodySize, getMatchedOperation } from './pym-request';
import { validatorMiddlewares } from './validator-middlewares';

/** Options of `createApiValidator`. */
export interface ApiValidatorOptions {
  /** Validate replies against the spec. */
  validateResponses: boolean;
  /** `body_limit` in bytes: also the limit of each file and field of a multipart body. */
  bodyLimit: number;
}

/**
 * The spec as the validator gets it, two defaults written out where the spec leaves them out:
 * - `required: false` on request bodies (OpenAPI's default): the validator lets a request without a body through
 *   only when it reads `required: false` itself, and answered 415 otherwise;
 * - `allowReserved: true` on query parameters: the validator refused an unencoded reserved character, such as the
 *   "+" for a space that URLSearchParams and HTML forms send, or the ":" of a date-time, which Express decodes.
 */
function forValidator<T>(document: T): T {
  const doc = document as { paths?: Record<string, unknown>; components?: { requestBodies?: Record<string, unknown>; parameters?: Record<string, unknown> } };
  const operations = Object.values(doc.paths ?? {}).flatMap((item) => (isPlainObject(item) ? Object.values(item).filter(isPlainObject) : []));
  const bodies = [...operations.map((operation) => operation.requestBody), ...Object.values(doc.components?.requestBodies ?? {})];
  for (const body of bodies) {
    if (isPlainObject(body) && !('$ref' in body) && !('required' in body)) body.required = false;
  }
  const pathItems = Object.values(doc.paths ?? {}).filter(isPlainObject);
  const parameters = [...pathItems, ...operations].flatMap((owner) => (Array.isArray(owner.parameters) ? owner.parameters : []));
  for (const parameter of [...parameters, ...Object.values(doc.components?.parameters ?? {})]) {
    if (isPlainObject(parameter) && parameter.in === 'query' && !('allowReserved' in parameter)) parameter.allowReserved = true;
  }
  return document;
}

/**
 * A fresh copy of the document the validator of `api` checks requests and replies against: the bundled spec with
 * the two defaults above written out. The served spec (`/openapi/<api>.json`) is made from it.
 */
export function validatedDocument(api: LoadedApi): LoadedApi['document'] {
  return forValidator(structuredClone(api.document));
}

/** Parts (files and fields) of one multipart body at the most. */
const MAX_MULTIPART_PARTS = 1000;

/** A multipart body that could not be read (the validator's multer answers 500 for those): a client error. */
function multipartReadError(req: Request, error: unknown): unknown {
  const status = (error as { status?: unknown } | null)?.status;
  if (status !== 500 || !req.is('multipart/form-data')) return error;
  return new InvalidParameter('The multipart request body could not be read', { cause: error, errors: [{ path: '/body', message: 'is not a valid multipart body' }] });
}

/**
 * The largest body (in bytes, as read) whose every problem is reported: a larger one gets the first problem of its
 * parameters and the first of its body. Listing every problem costs in proportion to how many there are (each is an
 * Ajv error, mapped by the validator and by pym, and joined into its message): a 1 MB body of ~120,000 unknown keys
 * cost ~1-2 s of CPU that way, while 16 KB holds ~1,800 at most.
 */
export const ALL_ERRORS_MAX_BODY = 16 * 1024;

/**
 * Build the validator of one API. The spec is loaded now (it was checked against the OpenAPI schema by
 * load-apis), so a broken spec fails at startup rather than at the first request. The returned middleware only runs for
 * requests whose matched operation belongs to this API, so several APIs never validate each other's requests.
 *
 * Two express-openapi-validator instances serve it, identical but for Ajv's `allErrors` (an option of the Ajv
 * instance, fixed when it is built): one lists every problem, for requests whose body is at most
 * {@link ALL_ERRORS_MAX_BODY}; the other stops at the first, for larger ones. Each request runs one of them (and so is
 * validated once); each compiles an operation's schemas the first time it serves one.
 */
export async function createApiValidator(api: LoadedApi, options: ApiValidatorOptions): Promise<RequestHandler> {
  const document = validatedDocument(api);
  // One loaded spec per instance (the validator's preprocessing rewrites the spec it is given): loaded once, copied.
  const everyProblem = await loadSpec(api, document);
  const firstProblem = structuredClone(everyProblem);
  const thorough = chain(validatorMiddlewares(validator(document, options, true), everyProblem));
  const bounded = chain(validatorMiddlewares(validator(document, options, false), firstProblem));
  return function validateApiMiddleware(req, res, next) {
    if (getMatchedOperation(req)?.operation.api !== api) return next();
    const run = getBodySize(req) <= ALL_ERRORS_MAX_BODY ? thorough : bounded;
    run(req, res, (error?: unknown) => {
      if (error !== undefined && error !== null) return next(stackOverflowAsTooDeep(multipartReadError(req, error)));
      // The validator parses a multipart body's object fields from JSON, after parseBody's nesting check.
      next(req.is('multipart/form-data') ? tooDeepError(req.body) : undefined);
    });
  };
}

/** The spec as express-openapi-validator loads it (a copy of `document`). */
async function loadSpec(api: LoadedApi, document: LoadedApi['document']) {
  try {
    return await new OpenApiSpecLoader({
      apiDoc: structuredClone(document) as never,
      // Checked against the OpenAPI schema when loaded (load-apis.ts), with readable messages.
      validateApiSpec: false,
      $refParser: { mode: 'bundle' },
    }).load();
  } catch (cause) {
    throw new SpecError(api.file, `is not a valid OpenAPI document: ${(cause as Error).message}`);
  }
}

/** An express-openapi-validator instance; `allErrors`: list every problem of a request, or stop at the first. */
function validator(document: LoadedApi['document'], options: ApiValidatorOptions, allErrors: boolean): OpenApiValidator {
  return new OpenApiValidator({
    apiSpec: document as never,
    validateApiSpec: false,
    ignoreUndocumented: true,
    validateSecurity: false,
    // coerceTypes applies to the body only (parameters are always coerced): a JSON body must have the right types.
    validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false, allErrors },
    validateResponses: options.validateResponses ? { allErrors: true } : false,
    validateFormats: true,
    // Without limits, multer keeps any multipart body in memory whatever its size: body_limit bounds each file and
    // field (parseBody refuses a declared Content-Length over it before this runs).
    fileUploader: { limits: { fileSize: options.bodyLimit, fieldSize: options.bodyLimit, parts: MAX_MULTIPART_PARTS } },
  });
}
