// Middleware: refuse what Node's parser lets through but HTTP forbids (an HTTP/1.1 request without Host).
import type { RequestHandler } from 'express';
import { MalformedRequest } from '../errors/protocol-errors';

/**
 * RFC 9112 §3.2: a server must answer 400 to an HTTP/1.1 request without a Host header. Node would, with an empty
 * body (`requireHostHeader`, turned off by `createHttpServer`); this answers in the JSON error shape.
 */
export function rejectMalformed(): RequestHandler {
  return function rejectMalformedMiddleware(req, _res, next) {
    if (req.headers.host === undefined && req.httpVersionMajor === 1 && req.httpVersionMinor >= 1) {
      throw new MalformedRequest('An HTTP/1.1 request needs a Host header', { headers: { Connection: 'close' } });
    }
    next();
  };
}
