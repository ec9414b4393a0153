// express-openapi-validator wiring: one validator per API, its spec loaded and checked at startup.
import express, { type RequestHandler } from 'express';
import { OpenApiValidator } from 'express-openapi-validator/dist/openapi.validator';
import { OpenApiSpecLoader } from 'express-openapi-validator/dist/framework/openapi.spec.loader';
import type { LoadedApi } from '../openapi/types';
import { SpecError } from '../openapi/spec-error';
import { getMatchedOperation } from './pym-request';

/** Options of `createApiValidator`. */
export interface ApiValidatorOptions {
  /** Validate replies against the spec. */
  validateResponses: boolean;
}

/**
 * Build the validator of one API. The spec is loaded (and checked against the OpenAPI schema) now, so a
 * broken spec fails at startup rather than at the first request. The returned middleware only runs for
 * requests whose matched operation belongs to this API, so several APIs never validate each other's requests.
 */
export async function createApiValidator(api: LoadedApi, options: ApiValidatorOptions): Promise<RequestHandler> {
  let spec;
  try {
    spec = await new OpenApiSpecLoader({
      apiDoc: structuredClone(api.document) as never,
      validateApiSpec: true,
      $refParser: { mode: 'bundle' },
    }).load();
  } catch (cause) {
    throw new SpecError(api.file, `is not a valid OpenAPI document: ${(cause as Error).message}`);
  }
  const validator = new OpenApiValidator({
    apiSpec: api.document as never,
    validateApiSpec: false,
    ignoreUndocumented: true,
    validateSecurity: false,
    // coerceTypes applies to the body only (parameters are always coerced): a JSON body must have the right types.
    validateRequests: { allowUnknownQueryParameters: false, coerceTypes: false, allErrors: true },
    validateResponses: options.validateResponses ? { allErrors: true } : false,
    validateFormats: true,
  });
  const router = express.Router();
  router.use(validator.installMiddleware(Promise.resolve(spec)) as RequestHandler[]);
  return function validateApiMiddleware(req, res, next) {
    if (getMatchedOperation(req)?.operation.api !== api) return next();
    router(req, res, next);
  };
}
