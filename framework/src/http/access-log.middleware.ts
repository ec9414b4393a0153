// Middleware: one log line per served request (method, url, status, duration, request id).
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { currentContext } from '../context/request-context';

/** Logs each request when its response is finished, at `info` (5xx are also logged by the error handler). */
export function accessLog(logger: Logger): RequestHandler {
  return function accessLogMiddleware(req, res, next) {
    if (!logger.isLevelEnabled('info')) return next();
    const started = process.hrtime.bigint();
    const requestId = currentContext()?.requestId;
    res.once('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.info(
        { requestId, method: req.method, url: req.originalUrl, status: res.statusCode, ms: Math.round(ms * 10) / 10 },
        'request',
      );
    });
    next();
  };
}
