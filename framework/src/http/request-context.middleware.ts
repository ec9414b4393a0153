// Middleware: give every request an id and a context (AsyncLocalStorage) that lives across its awaits.
import type { RequestHandler } from 'express';
import { runWithContext, type RequestContext } from '../context/request-context';
import { requestIdFrom } from '../context/request-id';
import { TRACEPARENT } from '../tracing/traceparent';

/** Creates the request's context, echoes its id in `X-Request-Id`, and runs the rest of the chain inside it. */
export function requestContext(): RequestHandler {
  return function requestContextMiddleware(req, res, next) {
    const traceparent = req.headers.traceparent;
    const idempotencyKey = req.headers['idempotency-key'];
    const context: RequestContext = {
      requestId: requestIdFrom(req.headers['x-request-id']),
      method: req.method,
      url: req.originalUrl,
      traceparent: typeof traceparent === 'string' && TRACEPARENT.test(traceparent) ? traceparent : undefined,
      idempotencyKey: typeof idempotencyKey === 'string' && idempotencyKey.length > 0 ? idempotencyKey.slice(0, 256) : undefined,
    };
    res.setHeader('X-Request-Id', context.requestId);
    runWithContext(context, next);
  };
}
