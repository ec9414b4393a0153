// Middleware: one log line per served request (method, url, status, duration, request id).
import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { currentContext } from '../context/request-context';

interface Started {
  started: bigint;
  requestId: string | undefined;
}

/** When the request reached the access log and its id, on its response. */
const STARTED = Symbol('pym.accessLogStarted');

/** Logs each request when its response is finished, at `info` (5xx are also logged by the error handler). */
export function accessLog(logger: Logger): RequestHandler {
  // One listener function for every response of the app ('finish' is emitted once per response): no closure per request.
  const write = function writeAccessLine(this: Response) {
    const { started, requestId } = (this as unknown as Record<symbol, Started>)[STARTED]!;
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    const req = this.req;
    logger.info({ requestId, method: req.method, url: req.originalUrl, status: this.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
  };
  return function accessLogMiddleware(_req, res, next) {
    if (!logger.isLevelEnabled('info')) return next();
    const started: Started = { started: process.hrtime.bigint(), requestId: currentContext()?.requestId };
    (res as unknown as Record<symbol, Started>)[STARTED] = started;
    res.on('finish', write);
    next();
  };
}
