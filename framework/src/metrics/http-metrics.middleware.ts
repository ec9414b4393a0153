// Middleware: observe every request's duration in http_request_duration_seconds, labelled by operation, not by URL.
import diagnosticsChannel from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { getMatchedOperation } from '../http/pym-request';
import type { PymMetrics } from './pym-metrics';

const LABEL = Symbol.for('pym.metricsOperation');
/** The metrics of the app that served a response, and when the request reached its metrics middleware. */
const OBSERVED = Symbol('pym.metricsObserved');

interface Observed {
  readonly metrics: PymMetrics;
  readonly started: number;
}

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
  subscribeToFinishedResponses();
  return function httpMetricsMiddleware(_req, res, next) {
    const observed: Observed = { metrics, started: performance.now() };
    (res as unknown as Record<symbol, Observed>)[OBSERVED] = observed;
    next();
  };
}

/** What Node publishes on `http.server.response.finish` when a response has been handed to the socket. */
interface FinishedResponse {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
}

/**
 * Node publishes every finished response of every server on this channel (at its `finish` event); one subscription
 * per process, rather than a `finish` listener added to each response. Responses no pym app observed carry no
 * OBSERVED and are skipped; the subscriber keeps no state (each response carries its app's metrics).
 */
function observeFinished(message: unknown): void {
  const { request, response } = message as FinishedResponse;
  const observed = (response as unknown as Record<symbol, Observed | undefined>)[OBSERVED];
  if (observed === undefined) return;
  const operation =
    getMatchedOperation(request as Request)?.operation.operationId ?? (request as unknown as Record<symbol, string | undefined>)[LABEL] ?? UNMATCHED_OPERATION;
  observed.metrics.observeRequest(operation, request.method!, response.statusCode, (performance.now() - observed.started) / 1000);
}

/** Whether this process subscribed observeFinished (once for every app: a second subscribe() would call it twice). */
let subscribed = false;

function subscribeToFinishedResponses(): void {
  if (subscribed) return;
  diagnosticsChannel.subscribe('http.server.response.finish', observeFinished);
  subscribed = true;
}
