// issuerKeys: the public key that verifies a token of one identity provider: from its JWKS (jwks-rsa) or its PEM.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { JwksClient, JwksRateLimitError, SigningKeyNotFoundError, type SigningKey } from 'jwks-rsa';
import { readPublicKeyPem, type JwtIssuerConfig } from '../config/jwt-issuers-schema';
import { TokenInvalid, TokenKeysUnavailable } from '../errors/builtin-errors';
import { fetchJwks } from './jwks-fetch';

/** The key of a token, and the algorithm its JWK is restricted to (`alg` of the JWK), if any. */
export interface IssuerKey {
  key: KeyObject;
  alg?: string;
}

/** The key of an issuer for a token's `kid` (undefined when the token has none). */
export type IssuerKeys = (kid: string | undefined) => Promise<IssuerKey>;

/** How many of an issuer's keys stay cached (a provider publishes 1–3; unknown kids are never cached). */
const CACHED_KEYS = 20;

/**
 * The key source of `issuer`. A PEM `public_key` is read once and used whatever the token's `kid`. A `jwks_uri` is read
 * through jwks-rsa: each key is cached for `jwks_cache_max_age` seconds by its `kid`; a `kid` not in the cache (a
 * rotation, or a forgery) fetches the key set again, at most `jwks_requests_per_minute` times a minute (then, unless the
 * last fetch failed, the kid counts as unknown). Only `jwks_uri` is ever fetched: a token's `jku`, `x5u`, `jwk` or `x5c`
 * header is never looked at.
 *
 * Errors: TokenInvalid when the token's `kid` is not in the key set (or it has none and the set holds several keys);
 * TokenKeysUnavailable (503, `Retry-After`) when the key set cannot be fetched.
 */
export function issuerKeys(issuer: JwtIssuerConfig): IssuerKeys {
  if (issuer.public_key !== undefined) {
    const key = readPublicKeyPem(issuer.public_key);
    if (typeof key === 'string') throw new TypeError(`jwt_issuers: the public_key of ${issuer.issuer} ${key}`);
    const fixed = Promise.resolve({ key });
    return () => fixed;
  }
  const uri = issuer.jwks_uri!;
  const state = { lastFetchFailed: false };
  const client = new JwksClient({
    jwksUri: uri,
    cache: true,
    cacheMaxAge: issuer.jwks_cache_max_age * 1000,
    cacheMaxEntries: CACHED_KEYS,
    rateLimit: true,
    jwksRequestsPerMinute: issuer.jwks_requests_per_minute,
    fetcher: async (jwksUri) => {
      try {
        const keys = await fetchJwks(jwksUri, issuer.jwks_timeout * 1000);
        state.lastFetchFailed = false;
        return keys;
      } catch (error) {
        state.lastFetchFailed = true;
        throw error;
      }
    },
  });
  // jwks-rsa caches the SigningKey objects: their KeyObject is built once each.
  const keyObjects = new WeakMap<SigningKey, KeyObject>();
  const retryAfter = String(Math.ceil(60 / issuer.jwks_requests_per_minute));

  return async function keyOf(kid) {
    let signingKey: SigningKey;
    try {
      signingKey = await client.getSigningKey(kid);
    } catch (error) {
      throw keyError(error, issuer.issuer, state.lastFetchFailed, retryAfter);
    }
    let key = keyObjects.get(signingKey);
    if (!key) {
      key = createPublicKey(signingKey.getPublicKey());
      keyObjects.set(signingKey, key);
    }
    return { key, alg: signingKey.alg };
  };
}

function keyError(error: unknown, issuer: string, lastFetchFailed: boolean, retryAfter: string): Error {
  if (error instanceof SigningKeyNotFoundError) {
    return /No KID/i.test(error.message)
      ? new TokenInvalid('The token has no key id (kid), and its issuer publishes several keys', { cause: error })
      : new TokenInvalid("The token's key id (kid) is not one of its issuer's keys", { cause: error });
  }
  if (error instanceof JwksRateLimitError && !lastFetchFailed) {
    // The key set was fetched often this minute and is fine: a kid it lacks is unknown (and fetching again for each
    // forged kid would turn this service into an amplifier against the provider).
    return new TokenInvalid("The token's key id (kid) is not one of its issuer's keys", { cause: error });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new TokenKeysUnavailable(`The keys of issuer ${issuer} are unavailable: ${reason}`, {
    cause: error,
    headers: { 'Retry-After': retryAfter },
  });
}
