// Middleware: verify the bearer token of operations whose spec `security` asks for one (before the body is read).
import type { RequestHandler } from 'express';
import { readBearerToken } from '../auth/read-bearer-token';
import type { TokenClaims } from '../context/request-context';
import { currentContext } from '../context/request-context';
import { getMatchedOperation } from './pym-request';

/**
 * A function verifying a token and returning its claims (throws TokenInvalid / TokenExpired, or rejects with them, or
 * with TokenKeysUnavailable when an identity provider's keys cannot be fetched).
 */
export type TokenVerifier = (token: string) => TokenClaims | Promise<TokenClaims>;

/**
 * Requires a valid token on `required` operations; verifies one when present on `optional` ones.
 * The verified token and claims go into the request context. Synchronous for pym's own HMAC tokens; an identity
 * provider's token may need its keys fetched, and Express 5 forwards the returned promise's rejection.
 */
export function authenticate(verify: TokenVerifier | undefined): RequestHandler {
  return function authenticateMiddleware(req, _res, next) {
    const matched = getMatchedOperation(req);
    const mode = matched?.operation.auth ?? 'none';
    if (mode === 'none') return next();
    // Fail closed: createApp refuses to start without a verifier when an operation requires a JWT.
    if (verify === undefined) throw new Error(`${req.method} ${req.path} requires a JWT but no token verifier is configured`);
    const header = req.headers.authorization;
    // cookie-parser turns a `j:` cookie into JSON (an object, a number): not a token.
    const raw = (req.cookies as Record<string, unknown> | undefined)?.token;
    const cookie = typeof raw === 'string' ? raw : undefined;
    if (mode === 'optional' && !header && !cookie) return next();
    const token = readBearerToken(header, cookie);
    const claims = verify(token);
    if (claims instanceof Promise) {
      return claims.then((verified) => {
        remember(token, verified);
        next();
      });
    }
    remember(token, claims);
    next();
  };
}

/** Put the verified token and its claims in the request context. */
function remember(token: string, claims: TokenClaims): void {
  const context = currentContext();
  if (context) {
    context.token = token;
    context.claims = claims;
  }
}
