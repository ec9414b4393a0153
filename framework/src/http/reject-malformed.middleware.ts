// Middleware: refuse what Node's parser lets through but HTTP forbids (Host missing, doubled or invalid; HTTP/1.0
// with Transfer-Encoding).
import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import { MalformedRequest } from '../errors/protocol-errors';

/** RFC 3986 `host [ ":" port ]`: an IP literal, or a reg-name (IPv4 included); empty is allowed (RFC 9112 §3.2). */
const HOST = /^(?:\[[0-9A-Za-z:._~!$&'()*+,;=%-]+\]|[0-9A-Za-z._~!$&'()*+,;=%-]*)(?::[0-9]*)?$/;

/** How many Host header lines the request had (Node keeps the first and drops the others). */
function hostLines(req: IncomingMessage): number {
  let count = 0;
  for (let index = 0; index < req.rawHeaders.length; index += 2) {
    if (req.rawHeaders[index]!.length === 4 && req.rawHeaders[index]!.toLowerCase() === 'host') count += 1;
  }
  return count;
}

/** Why the request is not acceptable HTTP, or undefined. */
function malformation(req: IncomingMessage): string | undefined {
  const http11 = req.httpVersionMajor === 1 && req.httpVersionMinor >= 1;
  const host = req.headers.host;
  // RFC 9112 §3.2: a server must answer 400 to an HTTP/1.1 request without Host, and to any request with more than one
  // Host line or an invalid one (a proxy routing on another Host line than Node reads would be confused).
  if (host === undefined && http11) return 'An HTTP/1.1 request needs a Host header';
  if (host !== undefined && hostLines(req) > 1) return 'A request may have only one Host header';
  if (host !== undefined && !HOST.test(host)) return 'The Host header is not a valid host';
  // RFC 9112 §6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing (an HTTP/1.0 proxy in front reads its
  // body differently than Node, which decodes the chunks and would keep the connection for the next request).
  if (req.httpVersionMajor === 1 && req.httpVersionMinor === 0 && req.headers['transfer-encoding'] !== undefined) {
    return 'An HTTP/1.0 request cannot use Transfer-Encoding';
  }
  return undefined;
}

/**
 * Refuse, with 400 MALFORMED_REQUEST and the connection closed, what RFC 9112 says a server must refuse and Node lets
 * through: an HTTP/1.1 request without Host (Node's own check, `requireHostHeader`, answers with an empty body and is
 * turned off by `createHttpServer`), several Host lines, an invalid Host, and Transfer-Encoding in HTTP/1.0.
 */
export function rejectMalformed(): RequestHandler {
  return function rejectMalformedMiddleware(req, _res, next) {
    const reason = malformation(req);
    if (reason !== undefined) throw new MalformedRequest(reason, { headers: { Connection: 'close' } });
    next();
  };
}
