// Middleware: answer Prometheus scrapes at metrics.path on the API's own port (when metrics.port is not set).
import type { RequestHandler } from 'express';
import { labelRequest } from './http-metrics.middleware';
import type { RenderedMetrics } from './render-metrics';

/** Serves GET (and HEAD) `path` with what `render` gives. */
export function metricsRoute(path: string, render: () => Promise<RenderedMetrics>): RequestHandler {
  return async function metricsRouteMiddleware(req, res, next) {
    if (req.path !== path || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    labelRequest(req, '(metrics)');
    const { contentType, text } = await render();
    res.type(contentType).send(text);
  };
}
