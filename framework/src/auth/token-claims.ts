// claimsOfToken: the claims a JWT carries, read without verifying it (for a token whose authenticity is already known).
import type { TokenClaims } from '../context/request-context';

/**
 * The payload of a JWT as an object, decoded as jsonwebtoken decodes it (base64url, UTF-8, JSON), or undefined when
 * it is not a compact JWS whose payload is a JSON object. It verifies nothing: use it only on a token whose
 * authenticity something else proves, such as a task envelope's seal (the token was verified when the task was
 * enqueued, and its claims were that very payload).
 */
export function claimsOfToken(token: string): TokenClaims | undefined {
  const start = token.indexOf('.');
  const end = token.indexOf('.', start + 1);
  if (start < 0 || end < 0 || token.indexOf('.', end + 1) >= 0) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(token.slice(start + 1, end), 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  return typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? (payload as TokenClaims) : undefined;
}
