// readBearerToken: pick the bearer token out of the Authorization header or the `token` cookie.
import { AuthorizationHeaderMissing, TokenInvalid } from '../errors/builtin-errors';

/**
 * The raw JWT of a request. The Authorization header wins when present and not blank; otherwise
 * the `token` cookie is used (its value is `Bearer <jwt>`, possibly URL-encoded).
 * Pure: the HTTP layer passes `req.headers.authorization` and `req.cookies?.token`.
 *
 * @throws AuthorizationHeaderMissing when neither carries anything.
 * @throws TokenInvalid when the value is not exactly `Bearer <token>` (scheme case-insensitive).
 * @example
 * readBearerToken('Bearer eyJhbGciOi...', undefined) // 'eyJhbGciOi...'
 */
export function readBearerToken(authorization: string | undefined, cookieToken: string | undefined): string {
  let value: string;
  let source: string;
  if (authorization !== undefined && authorization.trim() !== '') {
    value = authorization;
    source = 'Authorization header';
  } else if (cookieToken !== undefined && cookieToken.trim() !== '') {
    value = decodeCookie(cookieToken);
    source = 'token cookie';
  } else {
    throw new AuthorizationHeaderMissing();
  }

  const words = value.trim().split(/\s+/);
  if (words[0].toLowerCase() !== 'bearer') {
    throw new TokenInvalid(`The ${source} must use the Bearer scheme: 'Bearer <token>'`);
  }
  if (words.length === 1) {
    throw new TokenInvalid(`The ${source} has no token after 'Bearer'`);
  }
  if (words.length > 2) {
    throw new TokenInvalid(`The ${source} must be 'Bearer <token>', with no other words`);
  }
  return words[1];
}

function decodeCookie(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new TokenInvalid('The token cookie is not properly URL-encoded');
  }
}
