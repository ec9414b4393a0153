// Middleware: answer Prometheus scrapes at metrics.path on the API's own port (when metrics.port is not set).
import type { RequestHandler } from 'express';
import { labelRequest } from './http-metrics.middleware';
import type { RenderedMetrics } from './render-metrics';

/** Serves GET (and HEAD) `path` with what `render` gives. */
export function metricsRoute(path: string, render: () => Promise<RenderedMetrics>): RequestHandler {
  // Not async: every request passes through here, and only a scrape needs a promise.
  return function metricsRouteMiddleware(req, res, next) {
    if (req.path !== path || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    labelRequest(req, '(metrics)');
    return render().then(({ contentType, text }) => {
      res.type(contentType).send(text);
    });
  };
}
