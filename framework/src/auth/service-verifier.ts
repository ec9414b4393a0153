// createServiceVerifier: the token verifier of an app, routing each token by its iss to jwt_secret or to its provider.
import type { PymConfig } from '../config/config-schema';
import type { TokenClaims } from '../context/request-context';
import { TokenInvalid } from '../errors/builtin-errors';
import { jwtSettingsFrom } from './jwt-settings';
import { readUnverified, unverifiedIssuer } from './token-parts';
import { createIdpVerifier } from './verify-idp-token';
import { createTokenVerifier } from './verify-token';

/** Verifies one raw JWT: its claims, at once for pym's own HMAC tokens, in a promise for a provider's. */
export type ServiceTokenVerifier = (token: string) => TokenClaims | Promise<TokenClaims>;

/**
 * The verifier of the config's tokens. A token whose (unverified) `iss` equals a `jwt_issuers[].issuer` is verified
 * with that provider's public key and its pinned algorithms, and nothing else; any other token with `jwt_secret` and
 * `jwt_algorithms` (HMAC), and nothing else. The two key kinds never meet: an HS* token naming a provider is refused by
 * the provider's algorithm list, an RS/PS/ES token naming none by `jwt_algorithms`. Without `jwt_secret`, only the
 * providers' tokens are accepted.
 *
 * @throws Error naming `jwt_secret` and `jwt_issuers` when the config has neither.
 * @example
 * const verify = createServiceVerifier(config);
 * const claims = await verify(readBearerToken(req.headers.authorization, undefined));
 */
export function createServiceVerifier(config: PymConfig): ServiceTokenVerifier {
  if (config.jwt_issuers.length === 0) {
    if (!config.jwt_secret) {
      throw new Error(
        `${config.file}: jwt_secret is missing; it is required to sign and verify JWTs ` +
          '(at least 16 characters; list its environment variable in env_secrets to keep it out of the file), ' +
          "unless the service accepts only identity providers' tokens (jwt_issuers)",
      );
    }
    return createTokenVerifier(jwtSettingsFrom(config));
  }
  const hmac = config.jwt_secret ? createTokenVerifier(jwtSettingsFrom(config)) : undefined;
  const idp = createIdpVerifier(config.jwt_issuers, config.jwt_leeway);
  return function verifyToken(token: string) {
    const iss = unverifiedIssuer(token);
    if (iss !== undefined && idp.trusts(iss)) return idp.verify(token, iss);
    if (hmac) return hmac(token);
    readUnverified(token); // a malformed token is told so
    throw new TokenInvalid("The token's issuer is not accepted (this service accepts its identity providers' tokens only)");
  };
}

/** Whether the config can verify any token at all: `jwt_secret`, or at least one identity provider. */
export function acceptsTokens(config: Pick<PymConfig, 'jwt_secret' | 'jwt_issuers'>): boolean {
  return config.jwt_secret !== undefined || config.jwt_issuers.length > 0;
}
