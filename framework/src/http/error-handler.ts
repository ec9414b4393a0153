// Error middleware: every error becomes pym's JSON error body; 5xx get an error_id, a log line and a report.
import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, Request } from 'express';
import { error as validatorErrors } from 'express-openapi-validator';
import type { Logger } from 'pino';
import { BadResponse } from '../errors/builtin-errors';
import { formatError as defaultFormatError, type ErrorFormatter } from '../errors/format-error';
import { normalizeError } from '../errors/normalize-error';
import type { PymError } from '../errors/pym-error';
import { reportSafely, type ErrorReporter } from '../errors/report-error';
import { currentContext } from '../context/request-context';
import { isSendingReply } from './dispatch.middleware';
import { getMatchedOperation } from './pym-request';

/** Options of `errorHandler`. */
export interface ErrorHandlerOptions {
  logger: Logger;
  /** Show internal messages and stacks in bodies. */
  debug: boolean;
  formatError?: ErrorFormatter;
  reportError?: ErrorReporter;
}

function toPymError(err: unknown, sendingReply: boolean): PymError {
  if (sendingReply && err instanceof validatorErrors.InternalServerError) {
    const details = (err as unknown as { errors?: { path?: string; message: string }[] }).errors ?? [];
    // Only path and message: the error shape's errors[] never carries the validator's own fields.
    return new BadResponse(undefined, { cause: err, errors: details.map(({ path, message }) => ({ path: path ?? '', message })) });
  }
  return normalizeError(err);
}

function requestInfo(req: Request) {
  const context = currentContext();
  return {
    requestId: context?.requestId ?? '',
    method: req.method,
    url: req.originalUrl,
    userId: context?.claims?.sub,
    operationId: getMatchedOperation(req)?.operation.operationId,
  };
}

/** True when the request declares a body that has not fully arrived yet. */
function hasPendingBody(req: Request): boolean {
  if (req.complete) return false;
  return req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
}

/** The last middleware of every pym app. */
export function errorHandler(options: ErrorHandlerOptions): ErrorRequestHandler {
  const format = options.formatError ?? defaultFormatError;
  return function pymErrorHandler(err, req, res, _next) {
    const error = toPymError(err, isSendingReply(res));
    const errorId = error.status >= 500 ? randomUUID() : undefined;
    if (errorId) {
      options.logger.error({ errorId, code: error.code, status: error.status, err: error.cause ?? error }, error.message);
      reportSafely(
        options.reportError,
        { errorId, code: error.code, status: error.status, message: error.message, error, cause: error.cause, request: requestInfo(req) },
        options.logger,
      );
    } else {
      options.logger.debug({ code: error.code, status: error.status }, error.message);
    }
    if (res.headersSent) {
      req.socket.destroy();
      return;
    }
    // Nothing below may throw: Express's own handler would answer with an HTML page holding the stack.
    let text: string;
    try {
      text = JSON.stringify(format(error, { errorId, debug: options.debug }));
    } catch (formatFailure) {
      // A hook that throws, or returns what JSON cannot hold (a BigInt, a cycle).
      options.logger.warn({ errorId, err: formatFailure }, 'formatError hook failed; using the default format');
      text = JSON.stringify(defaultFormatError(error, { errorId, debug: options.debug }));
    }
    res.status(error.status);
    for (const [name, value] of Object.entries(error.headers ?? {})) {
      try {
        res.setHeader(name, value);
      } catch (headerFailure) {
        options.logger.warn({ errorId, code: error.code, header: name, err: { message: (headerFailure as Error).message } }, 'error header not sent: invalid');
      }
    }
    // A body still on its way (a 413, or any error before it was read): close the connection after the reply rather
    // than let Node read, and throw away, whatever the client goes on sending.
    if (hasPendingBody(req)) res.setHeader('Connection', 'close');
    if (error.status === 401) {
      const missing = error.code === 'AUTHORIZATION_HEADER_MISSING';
      res.setHeader('WWW-Authenticate', missing ? 'Bearer' : 'Bearer error="invalid_token"');
    }
    // send(), not json(): the error shape is pym's, never validated against the service's response schemas.
    res.type('application/json').send(text);
  };
}
