// Middleware: observe every request's duration in http_request_duration_seconds, labelled by operation, not by URL.
import type { Request, RequestHandler, Response } from 'express';
import { getMatchedOperation } from '../http/pym-request';
import type { PymMetrics } from './pym-metrics';

const LABEL = Symbol.for('pym.metricsOperation');
/** When the request reached the metrics middleware (performance.now()), on its response. */
const STARTED = Symbol('pym.metricsStarted');

/** The `operation` label of requests no operation serves (404, and 405 of a known path). */
export const UNMATCHED_OPERATION = '(unmatched)';

/** Give a request served outside the spec's operations (the dashboard, the metrics endpoint) a fixed label. */
export function labelRequest(req: Request, label: string): void {
  (req as unknown as Record<symbol, string>)[LABEL] = label;
}

/**
 * Observes each finished request: `operation` is its operationId (its route template in spirit, never the raw URL,
 * so the label's values are bounded by the spec), else a fixed label.
 */
export function httpMetrics(metrics: PymMetrics): RequestHandler {
  // One listener function for every response of the app ('finish' is emitted once per response): no closure per request.
  const observe = function observeRequest(this: Response) {
    const req = this.req;
    const operation =
      getMatchedOperation(req)?.operation.operationId ?? (req as unknown as Record<symbol, string | undefined>)[LABEL] ?? UNMATCHED_OPERATION;
    const started = (this as unknown as Record<symbol, number>)[STARTED]!;
    metrics.observeRequest(operation, req.method, this.statusCode, (performance.now() - started) / 1000);
  };
  return function httpMetricsMiddleware(req, res, next) {
    (res as unknown as Record<symbol, number>)[STARTED] = performance.now();
    res.on('finish', observe);
    next();
  };
}
