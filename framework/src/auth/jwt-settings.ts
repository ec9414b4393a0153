// JwtSettings: the JWT part of the config, normalised once for the signer and the verifier.
import type { PymConfig } from '../config/config-schema';

/** An HMAC algorithm pym signs and accepts tokens with (the key is `jwt_secret`). */
export type JwtAlgorithm = 'HS256' | 'HS384' | 'HS512';

/** How the service signs and verifies its JWTs. */
export interface JwtSettings {
  /** The HMAC secret (`jwt_secret`). */
  secret: string;
  /** `iss` put in minted tokens and required in verified ones (`jwt_issuer`). @defaultValue none: not checked */
  issuer?: string;
  /** `aud` put in minted tokens and required in verified ones (`jwt_audience`). @defaultValue none: not checked */
  audience?: string;
  /** Accepted algorithms; the first one signs (`jwt_algorithms`). @defaultValue `['HS256']` */
  algorithms: JwtAlgorithm[];
  /** Clock tolerance in seconds for `exp`, `nbf` and `iat` (`jwt_leeway`). @defaultValue 300 */
  leewaySeconds: number;
  /** Lifetime in seconds of minted tokens (`jwt_token_timeout`). @defaultValue 86400 */
  tokenTimeoutSeconds: number;
}

/** The config keys the JWT settings are read from (any `PymConfig` has them). */
export type JwtConfig = Pick<
  PymConfig,
  'jwt_secret' | 'jwt_issuer' | 'jwt_audience' | 'jwt_algorithms' | 'jwt_leeway' | 'jwt_token_timeout' | 'file'
>;

/**
 * The JWT settings of a loaded config, frozen.
 *
 * @throws Error naming `jwt_secret` and the config file when the config has no `jwt_secret`.
 * @example
 * const verify = createTokenVerifier(jwtSettingsFrom(getConfig()));
 */
export function jwtSettingsFrom(config: JwtConfig): JwtSettings {
  if (!config.jwt_secret) {
    throw new Error(
      `${config.file}: jwt_secret is missing; it is required to sign and verify JWTs ` +
        '(at least 16 characters; list its environment variable in env_secrets to keep it out of the file)',
    );
  }
  return Object.freeze({
    secret: config.jwt_secret,
    issuer: config.jwt_issuer,
    audience: config.jwt_audience,
    algorithms: Object.freeze([...config.jwt_algorithms]) as JwtAlgorithm[],
    leewaySeconds: config.jwt_leeway,
    tokenTimeoutSeconds: config.jwt_token_timeout,
  });
}
