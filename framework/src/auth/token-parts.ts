// readUnverified: the header (and the issuer) of a raw JWT, read before any signature check, with precise errors.
import { TokenInvalid } from '../errors/builtin-errors';

/** What a JWT says about itself before it is verified: nothing here may be trusted but its shape. */
export interface UnverifiedToken {
  /** The decoded JOSE header. */
  header: Record<string, unknown>;
  /** `header.alg`. */
  alg: string;
}

/**
 * The header of `token`, checked for shape: three dot-separated parts, a base64url JSON object header with a string
 * `alg` that is not `none`, a non-empty signature. Pure.
 *
 * @throws TokenInvalid naming what is wrong (never quoting the token).
 */
export function readUnverified(token: string): UnverifiedToken {
  if (typeof token !== 'string' || token === '') throw new TokenInvalid('The token is empty');
  const parts = token.split('.');
  if (parts.length !== 3) throw new TokenInvalid('The token is malformed: a JWT has three dot-separated parts');
  let header: unknown;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString('utf8'));
  } catch {
    throw new TokenInvalid('The token is malformed: its header is not base64url-encoded JSON');
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    throw new TokenInvalid('The token is malformed: its header is not a JSON object');
  }
  const alg = (header as { alg?: unknown }).alg;
  if (typeof alg !== 'string') throw new TokenInvalid('The token header has no algorithm');
  if (alg.toLowerCase() === 'none' || parts[2] === '') throw new TokenInvalid('The token is not signed');
  return { header: header as Record<string, unknown>, alg };
}

/**
 * The `iss` claim of `token`, read without verifying anything: only to choose which key verifies it. Undefined when the
 * token has no readable payload or no string `iss` (the verifier then reports what is wrong). Pure.
 */
export function unverifiedIssuer(token: string): string | undefined {
  const first = token.indexOf('.');
  const second = first < 0 ? -1 : token.indexOf('.', first + 1);
  if (second < 0) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(token.slice(first + 1, second), 'base64url').toString('utf8'));
    const iss = typeof payload === 'object' && payload !== null ? (payload as { iss?: unknown }).iss : undefined;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

/** An algorithm name fit for a client message (it comes from the token, so keep it short and plain). */
export function safeAlgorithmName(alg: string): string {
  return /^[A-Za-z0-9_-]{1,16}$/.test(alg) ? alg : '(unrecognised)';
}
