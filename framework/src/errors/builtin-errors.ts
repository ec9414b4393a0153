// The built-in error codes of design.md §3 (plus the task codes): stable, documented in the README.
import { defineError } from './define-error';

export const ServerError = defineError('ServerError', 'SERVER_ERROR', 500, 'An unexpected error occurred');
export const InvalidParameter = defineError('InvalidParameter', 'INVALID_PARAMETER', 400, 'The request is invalid');
export const AuthorizationHeaderMissing = defineError(
  'AuthorizationHeaderMissing',
  'AUTHORIZATION_HEADER_MISSING',
  401,
  'This operation requires an Authorization header with a bearer token',
);
export const TokenInvalid = defineError('TokenInvalid', 'TOKEN_INVALID', 401, 'The bearer token is invalid');
export const TokenExpired = defineError('TokenExpired', 'TOKEN_EXPIRED', 401, 'The bearer token has expired');
/**
 * The keys of the token's identity provider could not be fetched (its JWKS endpoint is down, slow or answers
 * nonsense): the token may well be valid, so not a 401, which would make a client drop a good token. Sent with
 * `Retry-After`.
 */
export const TokenKeysUnavailable = defineError(
  'TokenKeysUnavailable',
  'TOKEN_KEYS_UNAVAILABLE',
  503,
  "The signing keys of the token's identity provider cannot be fetched now; retry later",
);
export const NotFound = defineError('NotFound', 'NOT_FOUND', 404, 'Not found');
export const MethodNotAllowed = defineError('MethodNotAllowed', 'METHOD_NOT_ALLOWED', 405, 'Method not allowed');
export const PayloadTooLarge = defineError('PayloadTooLarge', 'PAYLOAD_TOO_LARGE', 413, 'The request body is too large');
export const UnsupportedMediaType = defineError(
  'UnsupportedMediaType',
  'UNSUPPORTED_MEDIA_TYPE',
  415,
  'The request body has an unsupported content type',
);
export const BadResponse = defineError(
  'BadResponse',
  'BAD_RESPONSE',
  500,
  "The server's reply did not match its API specification",
);
export const NotAcceptable = defineError(
  'NotAcceptable',
  'NOT_ACCEPTABLE',
  406,
  'The server cannot produce a response in a type the Accept header allows',
);
/** `/ready`'s answer while the server cannot serve: its message and `errors[]` name the failing checks. */
export class ServiceNotReady extends defineError('ServiceNotReady', 'SERVICE_NOT_READY', 503, 'The service cannot serve requests now') {
  /** Shown although a 5xx: what fails is what a probe's reader needs (the checks' messages hold no internals). */
  override get expose(): boolean {
    return true;
  }
}
export const CorsOriginNotAllowed = defineError(
  'CorsOriginNotAllowed',
  'CORS_ORIGIN_NOT_ALLOWED',
  403,
  'This origin may not call the service from a browser',
);
