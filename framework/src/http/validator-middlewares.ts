// express-openapi-validator's middlewares for one loaded spec, built at startup: no promise per middleware per request.
import { createRequire } from 'node:module';
import type { Request, RequestHandler } from 'express';
import { OpenApiContext } from 'express-openapi-validator/dist/framework/openapi.context';
import type { Spec } from 'express-openapi-validator/dist/framework/openapi.spec.loader';
import { BadRequest } from 'express-openapi-validator/dist/framework/types';
import { SchemaPreprocessor } from 'express-openapi-validator/dist/middlewares/parsers/schema.preprocessor';
import type { OpenApiValidator } from 'express-openapi-validator/dist/openapi.validator';

/*
 * Why not `installMiddleware()`: each middleware it returns waits on the spec's promise (`pContext.then`) on every
 * request, six promise hops per request, and its metadata middleware compiles every route's path-to-regexp on every
 * request (~5 µs on one route). Here the spec is loaded before the app serves, the same middlewares are called
 * directly, and the route lookup is the validator's own (same routes, order, regexps and decoding) with the regexps
 * compiled once. express-openapi-validator is pinned (5.6.2) for these internals; validator-internals.test.ts fails
 * when they move, and checks that this lookup gives what the validator's own gives.
 */

/** The private methods of OpenApiValidator 5.6.2 this file calls. */
interface ValidatorInternals {
  options: OpenApiValidator['options'];
  ajvOpts: OpenApiValidator['ajvOpts'];
  installPathParams: OpenApiValidator['installPathParams'];
  multipartMiddleware(apiDoc: unknown): RequestHandler;
  requestValidationMiddleware(apiDoc: unknown): RequestHandler;
  responseValidationMiddleware(apiDoc: unknown, serial: number): RequestHandler;
}

/** The validator's own copy of path-to-regexp, so that its routes compile to the regexps it would use itself. */
const { pathToRegexp } = createRequire(require.resolve('express-openapi-validator'))('path-to-regexp') as typeof import('path-to-regexp');

type ApiDoc = { paths: Record<string, Record<string, unknown>> };

interface Route {
  expressRoute: string;
  openApiRoute: string;
  /** The key of the route in the spec's `paths` (the openApiRoute without its base path). */
  pathKey: string;
}

interface CompiledRoute extends Route {
  regexp: RegExp;
  keys: string[];
}

/**
 * The validator's metadata middleware (`applyOpenApiMetadata`) for pym's options (no `ignorePaths`,
 * `ignoreUndocumented`, request URL from `originalUrl`): finds the spec route of the request and sets `req.openapi`
 * and `req.params`. The routes are compiled once per `strict routing` / `case sensitive routing` setting of the app.
 */
export function openApiMetadata(context: OpenApiContext, responseApiDoc: ApiDoc | null): RequestHandler {
  const apiDoc = context.apiDoc as unknown as ApiDoc;
  const routes: Route[] = Object.entries(context.expressRouteMap).map(([expressRoute, methods]) => {
    const openApiRoute = context.routePair(expressRoute)!.openApiRoute;
    return { expressRoute, openApiRoute, pathKey: openApiRoute.substring((methods as { basePath: string }).basePath.length) };
  });
  const compiled = new Map<string, CompiledRoute[]>();
  const compiledFor = (strict: boolean, sensitive: boolean): CompiledRoute[] => {
    const key = `${strict}/${sensitive}`;
    let list = compiled.get(key);
    if (!list) {
      list = routes.map((route) => {
        // As the validator calls it (path-to-regexp 8 ignores `strict`: the validator passes it all the same).
        const { regexp, keys } = pathToRegexp(route.expressRoute, { strict, sensitive } as Parameters<typeof pathToRegexp>[1]);
        return { ...route, regexp, keys: keys.map((k) => k.name) };
      });
      compiled.set(key, list);
    }
    return list;
  };
  return function openApiMetadataMiddleware(req, _res, next) {
    const path = req.originalUrl.split('?')[0]!;
    const method = req.method.toLowerCase();
    const list = compiledFor(!!req.app.enabled('strict routing'), !!req.app.enabled('case sensitive routing'));
    for (const route of list) {
      const matched = route.regexp.exec(path);
      if (!matched) continue;
      let pathParams: Record<string, string>;
      try {
        const values = matched.slice(1).map(decodeURIComponent);
        pathParams = {};
        for (let index = 0; index < route.keys.length; index++) pathParams[route.keys[index]!] = values[index]!;
      } catch {
        throw new BadRequest({ path: req.path, message: `malformed uri'` });
      }
      const schema = apiDoc.paths[route.pathKey]![method];
      // A path of the spec without this method: ignoreUndocumented lets it through unvalidated (pym answered 405).
      if (!schema) return next();
      const openapi: Record<string, unknown> = {
        expressRoute: route.expressRoute,
        openApiRoute: route.openApiRoute,
        pathParams,
        schema,
        serial: context.serial,
      };
      if (responseApiDoc) openapi._responseSchema = responseApiDoc.paths[route.pathKey]![method];
      (req as Request & { openapi: unknown }).openapi = openapi;
      req.params = pathParams;
      return next();
    }
    next();
  };
}

/**
 * The middlewares `validator.installMiddleware(spec)` returns, in its order (path params, metadata, multipart, request
 * validation, response validation), built now from the loaded `spec`. Security validation and operation handlers
 * are off in pym (`validateSecurity: false`, no `operationHandlers`); the options this relies on are checked here.
 */
export function validatorMiddlewares(validator: OpenApiValidator, spec: Spec): RequestHandler[] {
  const internals = validator as unknown as ValidatorInternals;
  const options = internals.options;
  if (options.validateSecurity || options.operationHandlers || options.ignorePaths || !options.ignoreUndocumented || options.useRequestUrl) {
    throw new Error('validatorMiddlewares: pym validates with validateSecurity and operationHandlers off, ignoreUndocumented on, no ignorePaths');
  }
  const responseOptions = options.validateResponses as ConstructorParameters<typeof SchemaPreprocessor>[2];
  const preprocessed = new SchemaPreprocessor(spec.apiDoc, internals.ajvOpts.preprocessor, responseOptions).preProcess();
  const context = new OpenApiContext(spec, options.ignorePaths as unknown as RegExp, options.ignoreUndocumented, options.useRequestUrl);
  const responseApiDoc = preprocessed.apiDocRes as unknown as ApiDoc | null;
  let pathParamsInstalled = false;
  const middlewares: RequestHandler[] = [
    function pathParamsMiddleware(req, _res, next) {
      if (!pathParamsInstalled) {
        internals.installPathParams(req.app, context);
        pathParamsInstalled = true;
      }
      next();
    },
    openApiMetadata(context, responseApiDoc),
  ];
  if (options.fileUploader) middlewares.push(internals.multipartMiddleware(context.apiDoc));
  if (options.validateRequests) middlewares.push(internals.requestValidationMiddleware(context.apiDoc));
  if (options.validateResponses) middlewares.push(internals.responseValidationMiddleware(responseApiDoc, context.serial));
  return middlewares;
}
