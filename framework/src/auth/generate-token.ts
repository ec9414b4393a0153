// generateToken / signToken: mint a JWT for a user id with the service's JWT settings.
import jwt from 'jsonwebtoken';
import { getConfig } from '../config/config-store';
import type { TokenClaims } from '../context/request-context';
import { jwtSettingsFrom, type JwtSettings } from './jwt-settings';
import { secretKeyFor } from './secret-key';

/** Options of generateToken and signToken. */
export interface GenerateTokenOptions {
  /** Lifetime in seconds (a positive integer). @defaultValue `jwt_token_timeout` (86400) */
  expiresIn?: number;
  /** Extra claims, merged at the top level of the payload; may not set iss, sub, aud, exp or iat. */
  data?: Record<string, unknown>;
  /** `iss` of the token. @defaultValue `jwt_issuer`, else no `iss` */
  issuer?: string;
  /** `aud` of the token. @defaultValue `jwt_audience`, else no `aud` */
  audience?: string;
}

/** A minted token and the claims it carries. */
export interface MintedToken {
  token: string;
  claims: TokenClaims;
}

const RESERVED_CLAIMS = ['iss', 'sub', 'aud', 'exp', 'iat'] as const;

/**
 * Mint a JWT for `userId`, signed with the loaded config's `jwt_secret` and first `jwt_algorithms` entry.
 *
 * @throws Error when the config has no `jwt_secret`; TypeError on bad arguments (see signToken).
 * @example
 * const token = generateToken('user-42', { data: { role: 'admin' }, expiresIn: 3600 });
 */
export function generateToken(userId: string, options: GenerateTokenOptions = {}): string {
  return signToken(jwtSettingsFrom(getConfig()), userId, options);
}

/**
 * The pure core of generateToken: mint a JWT for `userId` with explicit settings.
 * Claims: `iss` (option, else settings, else none), `sub`, `aud` (likewise), `iat` (now),
 * `exp` (`iat + expiresIn`, default `tokenTimeoutSeconds`) and the `data` claims.
 *
 * @throws TypeError when `userId` is empty, `expiresIn` is not a positive integer,
 *   or `data` tries to set one of iss, sub, aud, exp, iat.
 */
export function signToken(settings: JwtSettings, userId: string, options: GenerateTokenOptions = {}): string {
  return mintToken(settings, userId, options).token;
}

/** signToken that also returns the claims (internal: used by withBackendToken to fill the context). */
export function mintToken(settings: JwtSettings, userId: string, options: GenerateTokenOptions = {}): MintedToken {
  const claims = tokenClaims(settings, userId, options);
  const token = jwt.sign(claims, secretKeyFor(settings.secret), { algorithm: settings.algorithms[0] });
  return { token, claims };
}

function tokenClaims(settings: JwtSettings, userId: string, options: GenerateTokenOptions): TokenClaims {
  if (typeof userId !== 'string' || userId === '') {
    throw new TypeError('generateToken: userId must be a non-empty string');
  }
  const expiresIn = options.expiresIn ?? settings.tokenTimeoutSeconds;
  if (!Number.isInteger(expiresIn) || expiresIn <= 0) {
    throw new TypeError(`generateToken: expiresIn must be a positive integer number of seconds, got ${expiresIn}`);
  }
  const data = options.data ?? {};
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new TypeError('generateToken: data must be a plain object');
  }
  const reserved = RESERVED_CLAIMS.filter((claim) => Object.prototype.hasOwnProperty.call(data, claim));
  if (reserved.length > 0) {
    throw new TypeError(
      `generateToken: data may not set the reserved claim(s) ${reserved.join(', ')}; ` +
        'use userId, issuer, audience or expiresIn instead',
    );
  }
  const issuer = options.issuer ?? settings.issuer;
  const audience = options.audience ?? settings.audience;
  const iat = Math.floor(Date.now() / 1000);
  return {
    ...data,
    ...(issuer !== undefined && { iss: issuer }),
    sub: userId,
    ...(audience !== undefined && { aud: audience }),
    iat,
    exp: iat + expiresIn,
  };
}
