// The Node HTTP server of a pym app: timeouts from the config, and parser-level errors answered in the JSON error shape.
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { formatError as defaultFormatError, type ErrorFormatter } from '../errors/format-error';
import { ExpectationFailed, MalformedRequest, RequestHeadersTooLarge, RequestTimeout } from '../errors/protocol-errors';
import { PayloadTooLarge } from '../errors/builtin-errors';
import type { PymError } from '../errors/pym-error';

/** Options of `createHttpServer` (the `server` section of the config, normalised to milliseconds). */
export interface HttpServerOptions {
  /** Time a client has to send the request line and headers (Node `headersTimeout`). */
  headersTimeoutMs: number;
  /** Time a client has to send the whole request, body included (Node `requestTimeout`). */
  requestTimeoutMs: number;
  /** Time an idle keep-alive connection is kept (Node `keepAliveTimeout`). */
  keepAliveTimeoutMs: number;
  /** `body_limit` in bytes: a `100-continue` request declaring more is not told to continue. */
  bodyLimit: number;
  logger: Logger;
  formatError?: ErrorFormatter;
}

/** The error a parser failure is answered with, or undefined when no reply makes sense (the peer is gone). */
function protocolError(code: string | undefined): PymError | undefined {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return new RequestTimeout();
  if (code === 'HPE_HEADER_OVERFLOW') return new RequestHeadersTooLarge();
  if (code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW') return new PayloadTooLarge('The chunk extensions of the request body are too large');
  if (code?.startsWith('HPE_')) return new MalformedRequest(`The request is not well-formed HTTP (${code})`);
  return undefined;
}

/** The JSON body of a refused request, through the service's formatter (pym's shape if that one fails). */
function errorText(error: PymError, format: ErrorFormatter, logger: Logger): string {
  try {
    return JSON.stringify(format(error, { debug: false }));
  } catch (failure) {
    logger.warn({ err: failure }, 'formatError hook failed; using the default format');
    return JSON.stringify(defaultFormatError(error, { debug: false }));
  }
}

/**
 * How often Node checks the header and request timeouts (by default every 30 s, so that a 10 s timeout would hold
 * for up to 40 s): a tenth of the shorter one, between 50 ms and 1 s.
 */
function checkingInterval(options: HttpServerOptions): number {
  return Math.min(1000, Math.max(50, Math.floor(Math.min(options.headersTimeoutMs, options.requestTimeoutMs) / 10)));
}

/**
 * Create the HTTP server of an app. Node answers its parser's errors (431, 400, 408, 417) with empty bodies; here
 * they get the JSON error shape with a stable code, the connection closed after the reply. The Host check is not
 * Node's (its 400 has no body): `rejectMalformed` does it in the app.
 */
export function createHttpServer(app: Express, options: HttpServerOptions): http.Server {
  const format = options.formatError ?? defaultFormatError;
  // The response being written on each connection: a parser error while its bytes are on the wire gets no reply
  // (it would corrupt the response), only a closed connection.
  const responses = new WeakMap<Duplex, ServerResponse>();
  const drain = { closing: false, inFlight: new Set<ServerResponse>() };
  // One listener function for every response ('close' is emitted once per response): no closure per request.
  const forget = function forgetResponse(this: ServerResponse) {
    drain.inFlight.delete(this);
  };
  const handle = (req: IncomingMessage, res: ServerResponse) => {
    responses.set(req.socket, res);
    drain.inFlight.add(res);
    res.on('close', forget);
    if (drain.closing) res.setHeader('Connection', 'close');
    app(req, res);
  };
  const server = http.createServer(
    {
      headersTimeout: options.headersTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      keepAliveTimeout: options.keepAliveTimeoutMs,
      connectionsCheckingInterval: checkingInterval(options),
      requireHostHeader: false,
    },
    handle,
  );

  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    const refusal = protocolError(error.code);
    // A reply was started for the request the error is in (its body was still arriving): a second one would be
    // read as the answer to the client's next request. Once that request was read and answered, the error is the
    // next request's, and gets its reply.
    const inFlight = responses.get(socket);
    const answered = inFlight !== undefined && inFlight.headersSent && !(inFlight.writableFinished && inFlight.req.complete);
    if (!refusal || !socket.writable || answered) {
      socket.destroy();
      return;
    }
    options.logger.info({ status: refusal.status, code: refusal.code, parserError: error.code }, 'request refused by the HTTP parser');
    const text = errorText(refusal, format, options.logger);
    socket.end(
      `HTTP/1.1 ${refusal.status} ${http.STATUS_CODES[refusal.status]}\r\n` +
        `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
    );
    socket.once('finish', () => socket.destroy());
  });

  server.on('checkExpectation', (req: IncomingMessage, res: ServerResponse) => {
    const refusal = new ExpectationFailed('Only "Expect: 100-continue" is supported');
    options.logger.info({ status: refusal.status, code: refusal.code, method: req.method, url: req.url }, 'request refused: unknown Expect');
    const text = errorText(refusal, format, options.logger);
    res.writeHead(refusal.status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), Connection: 'close' });
    res.end(text);
  });

  // A body declared over the limit is not asked for: the app answers 413 without it.
  server.on('checkContinue', (req: IncomingMessage, res: ServerResponse) => {
    if (!(Number(req.headers['content-length']) > options.bodyLimit)) res.writeContinue();
    handle(req, res);
  });
  draining.set(server, drain);
  return server;
}

const draining = new WeakMap<http.Server, { closing: boolean; inFlight: Set<ServerResponse> }>();

/**
 * Shutting down: every response from now on, in-flight ones included, closes its connection, so that `server.close()`
 * does not wait for keep-alive connections to go idle and time out (`keep_alive_timeout`, 65 s by default).
 * A server not made by `createHttpServer` is left as it is.
 */
export function closeConnectionsAfterResponses(server: http.Server): void {
  const drain = draining.get(server);
  if (!drain) return;
  drain.closing = true;
  for (const res of drain.inFlight) {
    if (!res.headersSent) res.setHeader('Connection', 'close');
    else res.once('finish', () => res.socket?.destroySoon());
  }
}

/**
 * Make `app.listen()` create its server with `createHttpServer` (Express's own creates a bare `http.Server`), so
 * that `pym start`, `serve()` and a service calling `app.listen()` itself get the same timeouts and replies.
 */
export function listenWithPymServer(app: Express, options: HttpServerOptions): void {
  const listen = (...args: unknown[]): http.Server => {
    const server = createHttpServer(app, options);
    const last = args.at(-1);
    if (typeof last === 'function') {
      // As Express does: the callback also receives a listen error.
      let called = false;
      const done = (...results: unknown[]) => {
        if (called) return;
        called = true;
        (last as (...results: unknown[]) => void)(...results);
      };
      args[args.length - 1] = done;
      server.once('error', done);
    }
    return server.listen(...(args as Parameters<http.Server['listen']>));
  };
  app.listen = listen as unknown as Express['listen'];
}
