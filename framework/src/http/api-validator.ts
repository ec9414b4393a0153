// express-openapi-validator wiring: one validator per API, its spec loaded and checked at startup.
import type { RequestHandler } from 'express';
import { OpenApiValidator } from 'express-openapi-validator/dist/openapi.validator';
import { OpenApiSpecLoader } from 'express-openapi-validator/dist/framework/openapi.spec.loader';
import type { LoadedApi } from '../openapi/types';
import { SpecError } from '../openapi/spec-error';
import { getMatchedOperation } from './pym-request';

/**
 * Run middlewares in sequence, like an Express router but without its per-request routing work (the
 * operation is already matched): an error or a rejected promise goes straight to `done`.
 */
function chain(handlers: readonly RequestHandler[]): RequestHandler {
  return (req, res, done) => {
    let index = 0;
    const next = (error?: unknown): void => {
      if (error !== undefined && error !== null) return done(error);
      const handler = handlers[index++];
      if (!handler) return done();
      try {
        const result = handler(req, res, next) as unknown;
        if (result instanceof Promise) result.catch(done);
      } catch (thrown) {
        done(thrown);
      }
    };
    next();
  };
}

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
  const run = chain(validator.installMiddleware(Promise.resolve(spec)) as RequestHandler[]);
  return function validateApiMiddleware(req, res, next) {
    if (getMatchedOperation(req)?.operation.api !== api) return next();
    run(req, res, next);
  };
}
