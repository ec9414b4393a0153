// Middleware: give every request an id and a context (AsyncLocalStorage) that lives across its awaits.
import type { RequestHandler } from 'express';
import type { AppScope } from '../context/app-scope';
import { runWithContext, type ContextState } from '../context/request-context';
import { requestIdFrom } from '../context/request-id';
import { TRACEPARENT } from '../tracing/traceparent';

/**
 * Creates the request's context (in the app `scope`: its config, logger, task queue), echoes its id in
 * `X-Request-Id`, and runs the rest of the chain inside it.
 */
export function requestContext(scope: AppScope): RequestHandler {
  return function requestContextMiddleware(req, res, next) {
    const traceparent = req.headers.traceparent;
    const idempotencyKey = req.headers['idempotency-key'];
    const context: ContextState = {
      requestId: requestIdFrom(req.headers['x-request-id']),
      method: req.method,
      url: req.originalUrl,
      traceparent: typeof traceparent === 'string' && TRACEPARENT.test(traceparent) ? traceparent : undefined,
      idempotencyKey: typeof idempotencyKey === 'string' && idempotencyKey.length > 0 ? idempotencyKey.slice(0, 256) : undefined,
      app: scope,
    };
    res.setHeader('X-Request-Id', context.requestId);
    runWithContext(context, next);
  };
}
