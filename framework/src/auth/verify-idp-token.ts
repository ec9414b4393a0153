// createIdpVerifier: verify the tokens of trusted identity providers (RS*, PS*, ES*) with their published keys.
import jwt from 'jsonwebtoken';
import type { JwtIssuerConfig } from '../config/jwt-issuers-schema';
import type { TokenClaims } from '../context/request-context';
import { TokenInvalid } from '../errors/builtin-errors';
import { issuerKeys, type IssuerKeys } from './issuer-keys';
import { keyMismatch } from './key-algorithms';
import { readUnverified, safeAlgorithmName } from './token-parts';
import { checkVerified, toClientError } from './verify-token';

/** The verifier of the tokens of `jwt_issuers`. */
export interface IdpVerifier {
  /** Whether `iss` names a configured provider (compared exactly). */
  trusts(iss: string): boolean;
  /**
   * Verify `token`, whose unverified `iss` is `iss` (trusted), and return its claims.
   * @throws TokenInvalid, TokenExpired, or TokenKeysUnavailable (503) when the provider's keys cannot be fetched.
   */
  verify(token: string, iss: string): Promise<TokenClaims>;
}

interface TrustedIssuer {
  algorithms: readonly string[];
  keys: IssuerKeys;
  options: jwt.VerifyOptions & { complete: true };
}

/**
 * A verifier for `issuers`. For each token: its `alg` must be one of its issuer's pinned `algorithms` (never HS*: the
 * schema refuses them there), the key is chosen by `kid` among the issuer's own keys, the key must fit the `alg`
 * (type, curve, RSA size) and the JWK's own `alg` when it names one; then jsonwebtoken checks the signature with that
 * algorithm list pinned, `iss`, `aud`, `exp`, `nbf`, and pym's own checks run (`sub`, `exp` present, `iat`, no `crit`).
 * Each issuer's key cache lives in the returned object (one per app).
 *
 * @example
 * const idp = createIdpVerifier(config.jwt_issuers, config.jwt_leeway);
 * if (idp.trusts(iss)) claims = await idp.verify(token, iss);
 */
export function createIdpVerifier(issuers: readonly JwtIssuerConfig[], leewaySeconds: number): IdpVerifier {
  const byIssuer = new Map<string, TrustedIssuer>();
  for (const issuer of issuers) {
    const audience = typeof issuer.audience === 'string' ? issuer.audience : ([...issuer.audience] as [string, ...string[]]);
    byIssuer.set(issuer.issuer, {
      algorithms: issuer.algorithms,
      keys: issuerKeys(issuer),
      options: {
        complete: true,
        algorithms: [...issuer.algorithms] as jwt.Algorithm[],
        issuer: issuer.issuer,
        audience,
        clockTolerance: leewaySeconds,
      },
    });
  }

  return {
    trusts: (iss) => byIssuer.has(iss),
    async verify(token, iss) {
      const trusted = byIssuer.get(iss);
      if (!trusted) throw new TokenInvalid("The token's issuer is not accepted");
      const { header, alg } = readUnverified(token);
      if (!trusted.algorithms.includes(alg)) {
        throw new TokenInvalid(`The token's algorithm ${safeAlgorithmName(alg)} is not accepted for its issuer`);
      }
      const kid = header.kid;
      if (kid !== undefined && (typeof kid !== 'string' || kid === '')) throw new TokenInvalid("The token's key id (kid) is not a string");
      const { key, alg: keyAlg } = await trusted.keys(kid);
      const mismatch = keyMismatch(key, alg) ?? (keyAlg !== undefined && keyAlg !== alg ? `the key is for ${keyAlg}` : undefined);
      if (mismatch) {
        throw new TokenInvalid(`The token's algorithm ${alg} does not fit its issuer's key`, { cause: new Error(mismatch) });
      }
      let verified: jwt.Jwt;
      try {
        verified = jwt.verify(token, key, trusted.options);
      } catch (error) {
        throw toClientError(error);
      }
      return checkVerified(verified, leewaySeconds);
    },
  };
}
