// Middleware: CORS (the `cors` package) for the origins of the config, with each path's methods from the spec.
import cors, { type CorsOptions } from 'cors';
import type { RequestHandler } from 'express';
import type { PymConfig } from '../config/config-schema';
import { CorsOriginNotAllowed, NotFound } from '../errors/builtin-errors';
import type { RouteMatcher } from '../openapi/route-matcher';

/** Request headers a browser may send: pym reads each of them. */
export const CORS_ALLOWED_HEADERS = ['Authorization', 'Content-Type', 'Idempotency-Key', 'traceparent', 'tracestate', 'X-Request-Id'];
/** Response headers a browser script may read besides the safelisted ones. */
export const CORS_EXPOSED_HEADERS = ['Location', 'X-Request-Id'];

/**
 * The CORS middleware of `settings`, or undefined when no origin is allowed (CORS off). It runs before the operation
 * match and JWT, since a preflight carries no token:
 * - a preflight (OPTIONS with Origin and Access-Control-Request-Method) from an allowed origin is answered 204 with
 *   the methods the spec declares at that path; to a path the spec does not have: 404 NOT_FOUND; from another origin:
 *   403 CORS_ORIGIN_NOT_ALLOWED (in pym's error shape, without CORS headers, so the browser refuses the call);
 * - any other request from an allowed origin gets Access-Control-Allow-Origin (and -Credentials) and exposes
 *   `Location` and `X-Request-Id`; from another origin it is served without them (the browser hides the reply).
 */
export function crossOrigin(settings: PymConfig['cors'], matcher: RouteMatcher): RequestHandler | undefined {
  if (settings.origins !== '*' && settings.origins.length === 0) return undefined;
  const any = settings.origins === '*';
  const listed = new Set(any ? [] : settings.origins);
  const base: CorsOptions = {
    // '*' when any origin may call without credentials; else the request's origin, checked below (with Vary: Origin).
    origin: any && !settings.credentials ? '*' : true,
    credentials: settings.credentials,
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: settings.max_age,
    optionsSuccessStatus: 204,
  };
  const actual = cors(base);
  return function corsMiddleware(req, res, next) {
    const origin = req.headers.origin;
    if (origin === undefined) return next();
    const allowed = any || listed.has(origin);
    if (req.method !== 'OPTIONS') return allowed ? actual(req, res, next) : next();
    // An OPTIONS that is not a preflight is an ordinary request (the package would answer it as one): left to the spec.
    if (req.headers['access-control-request-method'] === undefined) return next();
    const methods = matcher.methodsAt(req.path);
    if (methods.length === 0) throw new NotFound(`No operation at ${req.path}`);
    if (!allowed) throw new CorsOriginNotAllowed(`The origin ${origin.slice(0, 200)} is not in cors.origins`);
    // Preflights are few (browsers cache the answer max_age seconds): a middleware made for this path's methods.
    cors({ ...base, methods })(req, res, next);
  };
}
