// The JWT algorithm families and the one check that a verification key fits a token's algorithm.
import type { KeyObject } from 'node:crypto';

/** The HMAC algorithms: verified with `jwt_secret`, never with an identity provider's key. */
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;

/** The public-key algorithms an identity provider's tokens may use (`jwt_issuers[].algorithms`). */
export const PUBLIC_KEY_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512'] as const;

/** An algorithm of PUBLIC_KEY_ALGORITHMS. */
export type PublicKeyAlgorithm = (typeof PUBLIC_KEY_ALGORITHMS)[number];

/** The shortest RSA modulus accepted, in bits (NIST SP 800-131A; jsonwebtoken refuses to sign with less). */
export const MIN_RSA_BITS = 2048;

/** The curve (Node's name) each ECDSA algorithm is defined on (RFC 7518 §3.4). */
const EC_CURVES: Record<string, string> = { ES256: 'prime256v1', ES384: 'secp384r1', ES512: 'secp521r1' };

/**
 * Why `key` cannot verify a token signed with `alg`, or undefined when it can. Checked before jsonwebtoken sees the
 * pair (which checks it too, since 9.0): HS* never goes with a public key, RS* needs an RSA key of at least
 * MIN_RSA_BITS, PS* an RSA or RSA-PSS key, ES* an EC key on the algorithm's own curve.
 *
 * @example
 * keyMismatch(ecP256PublicKey, 'RS256') // 'RS256 needs an RSA key, this one is ec'
 */
export function keyMismatch(key: KeyObject, alg: string): string | undefined {
  if (key.type !== 'public') return `${alg} is verified with a public key, this one is ${key.type}`;
  const type = key.asymmetricKeyType;
  const details = key.asymmetricKeyDetails;
  if (alg.startsWith('RS') || alg.startsWith('PS')) {
    const types = alg.startsWith('RS') ? ['rsa'] : ['rsa', 'rsa-pss'];
    if (!type || !types.includes(type)) return `${alg} needs an RSA key, this one is ${type ?? 'unknown'}`;
    if ((details?.modulusLength ?? 0) < MIN_RSA_BITS) return `the RSA key has ${details?.modulusLength ?? '?'} bits, fewer than ${MIN_RSA_BITS}`;
    return (PUBLIC_KEY_ALGORITHMS as readonly string[]).includes(alg) ? undefined : `${alg} is not a supported algorithm`;
  }
  const curve = EC_CURVES[alg];
  if (curve) {
    if (type !== 'ec') return `${alg} needs an EC key, this one is ${type ?? 'unknown'}`;
    return details?.namedCurve === curve ? undefined : `${alg} needs an EC key on curve ${curve}, this one is on ${details?.namedCurve ?? 'an unknown curve'}`;
  }
  return `${alg} is not a public-key algorithm pym accepts`;
}
