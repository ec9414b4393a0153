// Helpers of the auth tests: settings, hand-crafted JWTs, and capturing thrown errors.
import { createHmac } from 'node:crypto';
import type { JwtSettings } from '../../src/auth/jwt-settings';

export const SECRET = 'test-secret-of-at-least-16-chars';

/** Settings as a service with issuer and audience would have them. */
export function testSettings(overrides: Partial<JwtSettings> = {}): JwtSettings {
  return {
    secret: SECRET,
    issuer: 'pym-test',
    audience: 'pym-clients',
    algorithms: ['HS256'],
    leewaySeconds: 60,
    tokenTimeoutSeconds: 3600,
    ...overrides,
  };
}

/** Current time in JWT seconds. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function segment(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/**
 * A JWT built by hand: `signWith` is an HMAC secret (signed with `hmac`), or null for no signature.
 * `payload` may be a string to put a non-JSON payload in the token.
 */
export function craftToken(
  header: Record<string, unknown>,
  payload: unknown,
  signWith: string | null = SECRET,
  hmac: 'sha256' | 'sha384' | 'sha512' = 'sha256',
): string {
  const signingInput = `${segment(header)}.${segment(payload)}`;
  const signature = signWith === null ? '' : createHmac(hmac, signWith).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

/** The error `fn` throws (fails the test if it does not throw). */
export function thrownBy(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`threw a non-Error: ${String(error)}`);
  }
  throw new Error('expected a throw, got none');
}
