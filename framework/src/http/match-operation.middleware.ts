// Middleware: find the operation of a request before anything else runs; unknown path → 404, wrong method → 405.
import type { RequestHandler } from 'express';
import { MethodNotAllowed, NotFound } from '../errors/builtin-errors';
import type { createRouteMatcher } from '../openapi/route-matcher';
import { setMatchedOperation } from './pym-request';

type RouteMatcher = ReturnType<typeof createRouteMatcher>;

/** Matches the request against every bound operation (404 and 405 are decided here, before auth and body parsing). */
export function matchOperation(matcher: RouteMatcher): RequestHandler {
  return function matchOperationMiddleware(req, _res, next) {
    const found = matcher.match(req.method, req.path);
    if (found === undefined) {
      throw new NotFound(`No operation at ${req.method} ${req.path}`);
    }
    if ('allow' in found) {
      const allow = found.allow.join(', ');
      throw new MethodNotAllowed(`${req.method} is not allowed on ${req.path}; allowed: ${allow}`, {
        headers: { Allow: allow },
      });
    }
    setMatchedOperation(req, found);
    next();
  };
}
