// Error codes of requests refused at the HTTP level, before (or instead of) reaching an operation.
import { defineError } from './define-error';

/**
 * The request is not well-formed HTTP: refused by Node's parser (bad framing, an unknown method, control bytes in
 * the request line or a header, both Content-Length and Transfer-Encoding, two Content-Lengths…) or an HTTP/1.1
 * request without a Host header. The connection is closed after the reply.
 */
export const MalformedRequest = defineError('MalformedRequest', 'MALFORMED_REQUEST', 400, 'The request is not well-formed HTTP');

/** The request line and headers are larger than Node's limit (`--max-http-header-size`, 16 KB by default). */
export const RequestHeadersTooLarge = defineError(
  'RequestHeadersTooLarge',
  'REQUEST_HEADERS_TOO_LARGE',
  431,
  'The request headers (or its URL) are too large',
);

/** The headers did not arrive within `server.headers_timeout`, or the whole request within `server.request_timeout`. */
export const RequestTimeout = defineError('RequestTimeout', 'REQUEST_TIMEOUT', 408, 'The request was not received in time');

/** An `Expect` header other than `100-continue`. */
export const ExpectationFailed = defineError('ExpectationFailed', 'EXPECTATION_FAILED', 417, 'The Expect header cannot be met');
