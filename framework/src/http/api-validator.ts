// express-openapi-validator wiring: one validator per API, its spec loaded and checked at startup.
import type { Request, RequestHandler } from 'express';
import { OpenApiValidator } from 'express-openapi-validator/dist/openapi.validator';
import { OpenApiSpecLoader } from 'express-openapi-validator/dist/framework/openapi.spec.loader';
import type { LoadedApi } from '../openapi/types';
import { isPlainObject } from '../openapi/bundle-kinds';
import { SpecError } from '../openapi/spec-error';
import { InvalidParameter } from '../errors/builtin-errors';
import { chain } from './chain';
import { getMatchedOperation } from './pym-request';
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
 * Build the validator of one API. The spec is loaded now (it was checked against the OpenAPI schema by
 * load-apis), so a broken spec fails at startup rather than at the first request. The returned middleware only runs for
 * requests whose matched operation belongs to this API, so several APIs never validate each other's requests.
 */
export async function createApiValidator(api: LoadedApi, options: ApiValidatorOptions): Promise<RequestHandler> {
  const document = validatedDocument(api);
  let spec;
  try {
    spec = await new OpenApiSpecLoader({
      apiDoc: structuredClone(document) as never,
      // Checked against the OpenAPI schema when loaded (load-apis.ts), with readable messages.
      validateApiSpec: false,
      $refParser: { mode: 'bundle' },
    }).load();
  } catch (cause) {
    throw new SpecError(api.file, `is not a valid OpenAPI document: ${(cause as Error).message}`);
  }
  const validator = new OpenApiValidator({
    apiSpec: document as never,
    validateApiSpec: false,
    ignoreUndocumented: true,
    validateSecurity: false,
    // coerceTypes applies to the body only (parameters are always coerced): a JSON body must have the right types.
    // allErrors off: Ajv stops at the first problem of the parameters and of the body (fastify's default too). With it
    // on, a 1 MB body of ~90k unknown keys cost ~0.5–1.3 s of CPU and a 6.6 MB reply, any caller, no token needed.
    validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false, allErrors: false },
    validateResponses: options.validateResponses ? { allErrors: true } : false,
    validateFormats: true,
    // Without limits, multer keeps any multipart body in memory whatever its size: body_limit bounds each file and
    // field (parseBody refuses a declared Content-Length over it before this runs).
    fileUploader: { limits: { fileSize: options.bodyLimit, fieldSize: options.bodyLimit, parts: MAX_MULTIPART_PARTS } },
  });
  const run = chain(validatorMiddlewares(validator, spec));
  return function validateApiMiddleware(req, res, next) {
    if (getMatchedOperation(req)?.operation.api !== api) return next();
    run(req, res, (error?: unknown) => next(error === undefined || error === null ? error : multipartReadError(req, error)));
  };
}
