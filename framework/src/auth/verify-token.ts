// createTokenVerifier: a pure JWT verifier with one client-safe error per failure.
import jwt from 'jsonwebtoken';
import type { TokenClaims } from '../context/request-context';
import { TokenExpired, TokenInvalid } from '../errors/builtin-errors';
import type { JwtAlgorithm, JwtSettings } from './jwt-settings';
import { HMAC_ALGORITHMS } from './key-algorithms';
import { secretKeyFor } from './secret-key';
import { readUnverified, safeAlgorithmName } from './token-parts';

/** A function verifying one raw JWT and returning its claims. */
export type TokenVerifier = (token: string) => TokenClaims;

/**
 * Build a verifier for `settings`. The key is built once here, not per token; algorithms are
 * pinned; `iss` and `aud` are required when configured; `exp`, `nbf` and `iat` allow `leewaySeconds`.
 * A token must carry a non-empty string `sub` and an `exp`, and no `crit` header. Error messages never contain the
 * token.
 *
 * @throws TypeError at once when the settings are unusable (empty secret, no or non-HMAC algorithm).
 * @example
 * const verify = createTokenVerifier(jwtSettingsFrom(getConfig()));
 * const claims = verify(readBearerToken(req.headers.authorization, req.cookies?.token));
 */
export function createTokenVerifier(settings: JwtSettings): TokenVerifier {
  checkSettings(settings);
  const key = secretKeyFor(settings.secret);
  const algorithms: JwtAlgorithm[] = [...settings.algorithms];
  const options: jwt.VerifyOptions & { complete: true } = {
    complete: true,
    algorithms,
    clockTolerance: settings.leewaySeconds,
    ...(settings.issuer !== undefined && { issuer: settings.issuer }),
    ...(settings.audience !== undefined && { audience: settings.audience }),
  };

  return function verifyToken(token: string): TokenClaims {
    let verified: jwt.Jwt;
    try {
      verified = jwt.verify(token, key, options);
    } catch (error) {
      // jsonwebtoken (algorithms pinned) has refused it; the shape check names the precise reason, and
      // runs only on this path so that a valid token's header is decoded once.
      checkShape(token, algorithms);
      throw toClientError(error);
    }
    return checkVerified(verified, settings.leewaySeconds);
  };
}

/**
 * What jsonwebtoken leaves unchecked in a token whose signature, algorithm, `exp`, `nbf`, `iss` and `aud` it has
 * verified: a `crit` header, the payload's type, `sub`, the presence of `exp`, and `iat`. Returns the claims.
 */
export function checkVerified(verified: jwt.Jwt, leewaySeconds: number, now = Date.now()): TokenClaims {
  // RFC 7515 §4.1.11: a recipient must reject a token whose `crit` lists an extension it does not understand; pym
  // understands none, so any `crit` is refused.
  if (Object.hasOwn(verified.header, 'crit')) {
    throw new TokenInvalid('The token has a critical header extension (crit) this service does not understand');
  }
  const payload: unknown = verified.payload;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new TokenInvalid('The token payload is not a JSON object');
  }
  const claims = { ...(payload as TokenClaims) };
  if (typeof claims.sub !== 'string' || claims.sub === '') {
    throw new TokenInvalid('The token has no subject');
  }
  // jsonwebtoken accepts a token without exp forever: one that leaked could never be outlived.
  if (typeof claims.exp !== 'number') {
    throw new TokenInvalid('The token has no expiry (exp)');
  }
  // jsonwebtoken reads iat only with maxAge: a string, or a token "issued" next year, passed.
  if (claims.iat !== undefined) {
    if (typeof claims.iat !== 'number' || !Number.isFinite(claims.iat)) throw new TokenInvalid("The token's iat claim is not a number");
    if (claims.iat > now / 1000 + leewaySeconds) throw new TokenInvalid('The token was issued in the future (iat)');
  }
  return claims;
}

function checkSettings(settings: JwtSettings): void {
  if (typeof settings.secret !== 'string' || settings.secret === '') {
    throw new TypeError('JWT settings: secret must be a non-empty string');
  }
  if (!Array.isArray(settings.algorithms) || settings.algorithms.length === 0) {
    throw new TypeError('JWT settings: algorithms must list at least one of HS256, HS384, HS512');
  }
  for (const algorithm of settings.algorithms) {
    if (!(HMAC_ALGORITHMS as readonly string[]).includes(algorithm)) {
      throw new TypeError(`JWT settings: algorithm ${String(algorithm)} is not one of HS256, HS384, HS512`);
    }
  }
  if (!Number.isFinite(settings.leewaySeconds) || settings.leewaySeconds < 0) {
    throw new TypeError('JWT settings: leewaySeconds must be a number >= 0');
  }
}

/** Reject malformed tokens and foreign algorithms with precise messages before any crypto. */
function checkShape(token: string, algorithms: readonly string[]): void {
  const { alg } = readUnverified(token);
  if (!algorithms.includes(alg)) throw new TokenInvalid(`The token's algorithm ${safeAlgorithmName(alg)} is not accepted`);
}

/** Map a jsonwebtoken error to TokenExpired or TokenInvalid, keeping it as the logged cause. */
export function toClientError(error: unknown): Error {
  if (error instanceof jwt.TokenExpiredError) return new TokenExpired('The token has expired', { cause: error });
  if (error instanceof jwt.NotBeforeError) return new TokenInvalid('The token is not valid yet (nbf)', { cause: error });
  const message = error instanceof Error ? error.message : '';
  return new TokenInvalid(clientMessage(message), { cause: error });
}

function clientMessage(jwtMessage: string): string {
  if (jwtMessage === 'invalid signature') return "The token's signature is invalid";
  if (jwtMessage.startsWith('jwt audience invalid')) return "The token's audience is not accepted";
  if (jwtMessage.startsWith('jwt issuer invalid')) return "The token's issuer is not accepted";
  if (jwtMessage === 'invalid exp value') return "The token's exp claim is not a number";
  if (jwtMessage === 'invalid nbf value') return "The token's nbf claim is not a number";
  if (jwtMessage === 'jwt malformed' || jwtMessage === 'invalid token' || jwtMessage.startsWith('Unexpected token')) {
    return 'The token is malformed';
  }
  return 'The token is invalid';
}
