// Tests of createTokenVerifier: every way a token can be good or bad, with its error class and code.
import jwt from 'jsonwebtoken';
import { createTokenVerifier } from '../../src/auth/verify-token';
import { TokenExpired, TokenInvalid } from '../../src/errors/builtin-errors';
import { PymError } from '../../src/errors/pym-error';
import { craftToken, nowSeconds, SECRET, testSettings, thrownBy } from './jwt-test-helpers';

const verify = createTokenVerifier(testSettings());

/** Standard claims a valid token has, relative to now. */
function goodClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = nowSeconds();
  return { iss: 'pym-test', sub: 'user-1', aud: 'pym-clients', iat: now, exp: now + 600, ...overrides };
}

function sign(claims: Record<string, unknown>, secret = SECRET, algorithm: jwt.Algorithm = 'HS256'): string {
  return jwt.sign(claims, secret, { algorithm, noTimestamp: true });
}

function tamperedPayload(): string {
  const [header, , signature] = sign(goodClaims()).split('.');
  const forged = Buffer.from(JSON.stringify(goodClaims({ sub: 'admin' }))).toString('base64url');
  return `${header}.${forged}.${signature}`;
}

describe('createTokenVerifier', () => {
  const valid: [string, () => string, Record<string, unknown>][] = [
    ['a valid token', () => sign(goodClaims({ role: 'admin' })), { sub: 'user-1', role: 'admin' }],
    [
      'an expired token within the leeway',
      () => sign(goodClaims({ exp: nowSeconds() - 30 })),
      { sub: 'user-1', iss: 'pym-test' },
    ],
    [
      'an audience list holding the configured audience',
      () => sign(goodClaims({ aud: ['other', 'pym-clients'] })),
      { aud: ['other', 'pym-clients'] },
    ],
    ['an nbf in the past', () => sign(goodClaims({ nbf: nowSeconds() - 10 })), { sub: 'user-1' }],
    ['a hand-crafted HS256 token', () => craftToken({ alg: 'HS256', typ: 'JWT' }, goodClaims()), { sub: 'user-1' }],
    // sign() with noTimestamp drops iat: these are crafted.
    ['an iat in the future within the leeway (clock skew)', () => craftToken({ alg: 'HS256' }, goodClaims({ iat: nowSeconds() + 30 })), { sub: 'user-1' }],
    ['no iat at all', () => craftToken({ alg: 'HS256' }, goodClaims({ iat: undefined })), { sub: 'user-1' }],
  ];
  test.each(valid)('accepts %s', (_name, makeToken, expected) => {
    const claims = verify(makeToken());
    expect(claims).toMatchObject(expected);
    expect(Object.getPrototypeOf(claims)).toBe(Object.prototype);
  });

  const invalid: [string, () => string, typeof TokenInvalid, RegExp][] = [
    ['an expired token beyond the leeway', () => sign(goodClaims({ exp: nowSeconds() - 120 })), TokenExpired, /has expired/],
    ['an unsigned alg:none token', () => craftToken({ alg: 'none', typ: 'JWT' }, goodClaims(), null), TokenInvalid, /not signed/],
    [
      'an alg:none token with a signature',
      () => craftToken({ alg: 'none', typ: 'JWT' }, goodClaims()),
      TokenInvalid,
      /not signed/,
    ],
    ['a token signed with another secret', () => sign(goodClaims(), 'another-secret-of-16-chars'), TokenInvalid, /signature is invalid/],
    ['a wrong issuer', () => sign(goodClaims({ iss: 'evil' })), TokenInvalid, /issuer is not accepted/],
    ['a missing issuer', () => sign(goodClaims({ iss: undefined })), TokenInvalid, /issuer is not accepted/],
    ['a wrong audience', () => sign(goodClaims({ aud: 'someone-else' })), TokenInvalid, /audience is not accepted/],
    ['a missing audience', () => sign(goodClaims({ aud: undefined })), TokenInvalid, /audience is not accepted/],
    ['HS512 when only HS256 is accepted', () => sign(goodClaims(), SECRET, 'HS512'), TokenInvalid, /algorithm HS512 is not accepted/],
    [
      'an RS256 header signed with the secret (key confusion)',
      () => craftToken({ alg: 'RS256', typ: 'JWT' }, goodClaims()),
      TokenInvalid,
      /algorithm RS256 is not accepted/,
    ],
    ['garbage', () => 'not-a-jwt-at-all', TokenInvalid, /malformed/],
    ['two segments only', () => sign(goodClaims()).split('.').slice(0, 2).join('.'), TokenInvalid, /three dot-separated parts/],
    ['four segments', () => `${sign(goodClaims())}.extra`, TokenInvalid, /three dot-separated parts/],
    ['a header that is not JSON', () => `bm90LWpzb24.${sign(goodClaims()).split('.')[1]}.c2ln`, TokenInvalid, /header is not/],
    ['a header without alg', () => craftToken({ typ: 'JWT' }, goodClaims()), TokenInvalid, /no algorithm/],
    ['a tampered payload', tamperedPayload, TokenInvalid, /signature is invalid/],
    ['an nbf in the future', () => sign(goodClaims({ nbf: nowSeconds() + 3600 })), TokenInvalid, /not valid yet/],
    ['no sub', () => sign(goodClaims({ sub: undefined })), TokenInvalid, /has no subject/],
    ['an empty sub', () => sign(goodClaims({ sub: '' })), TokenInvalid, /has no subject/],
    ['a numeric sub', () => craftToken({ alg: 'HS256' }, goodClaims({ sub: 42 })), TokenInvalid, /has no subject/],
    ['a non-numeric exp', () => craftToken({ alg: 'HS256' }, goodClaims({ exp: 'tomorrow' })), TokenInvalid, /exp claim is not a number/],
    ['an empty string', () => '', TokenInvalid, /empty/],
    // RFC 7515 §4.1.11: pym understands no header extension, so any crit is refused (before: ignored).
    ['a crit header', () => craftToken({ alg: 'HS256', crit: ['exp'] }, goodClaims()), TokenInvalid, /critical header extension/],
    ['a crit header naming an extension it carries', () => craftToken({ alg: 'HS256', crit: ['b64'], b64: false }, goodClaims()), TokenInvalid, /critical/],
    ['an empty crit list', () => craftToken({ alg: 'HS256', crit: [] }, goodClaims()), TokenInvalid, /critical/],
    // iat was not read at all: a token "issued" next year, or with a string iat, passed.
    ['an iat in the future beyond the leeway', () => craftToken({ alg: 'HS256' }, goodClaims({ iat: nowSeconds() + 3600 })), TokenInvalid, /issued in the future/],
    ['a string iat', () => craftToken({ alg: 'HS256' }, goodClaims({ iat: 'yesterday' })), TokenInvalid, /iat claim is not a number/],
    ['a null iat', () => craftToken({ alg: 'HS256' }, goodClaims({ iat: null })), TokenInvalid, /iat claim is not a number/],
  ];
  test.each(invalid)('rejects %s', (_name, makeToken, errorClass, message) => {
    const token = makeToken();
    const error = thrownBy(() => verify(token));
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toBeInstanceOf(PymError);
    expect((error as PymError).code).toBe(errorClass.code);
    expect((error as PymError).status).toBe(401);
    expect(error.message).toMatch(message);
    if (token !== '') expect(error.message).not.toContain(token);
    for (const part of token.split('.').filter((p) => p.length > 8)) expect(error.message).not.toContain(part);
  });

  test('expired and TokenExpired codes differ from TokenInvalid', () => {
    expect(TokenExpired.code).toBe('TOKEN_EXPIRED');
    expect(TokenInvalid.code).toBe('TOKEN_INVALID');
  });

  test('checks neither iss nor aud when none is configured', () => {
    const open = createTokenVerifier(testSettings({ issuer: undefined, audience: undefined }));
    expect(open(sign({ sub: 'user-2', iss: 'anyone', aud: 'anything', exp: nowSeconds() + 60 })).sub).toBe('user-2');
  });

  test('rejects a signed payload that is not a JSON object', () => {
    const open = createTokenVerifier(testSettings({ issuer: undefined, audience: undefined }));
    const error = thrownBy(() => open(craftToken({ alg: 'HS256' }, 'just text')));
    expect(error).toBeInstanceOf(TokenInvalid);
    expect(error.message).toBe('The token payload is not a JSON object');
  });

  test('accepts every configured algorithm and no other', () => {
    const both = createTokenVerifier(testSettings({ algorithms: ['HS256', 'HS512'] }));
    expect(both(sign(goodClaims(), SECRET, 'HS512')).sub).toBe('user-1');
    expect(both(sign(goodClaims(), SECRET, 'HS256')).sub).toBe('user-1');
    expect(thrownBy(() => both(sign(goodClaims(), SECRET, 'HS384')))).toBeInstanceOf(TokenInvalid);
  });

  test('a zero leeway rejects a token that just expired', () => {
    const strict = createTokenVerifier(testSettings({ leewaySeconds: 0 }));
    const token = sign(goodClaims({ exp: nowSeconds() - 1 }));
    expect(verify(token).sub).toBe('user-1');
    expect(thrownBy(() => strict(token))).toBeInstanceOf(TokenExpired);
  });

  test('keeps the jsonwebtoken error as the cause, for logs', () => {
    const error = thrownBy(() => verify(sign(goodClaims({ exp: nowSeconds() - 120 }))));
    expect(error.cause).toBeInstanceOf(jwt.TokenExpiredError);
  });

  test('returns a copy: mutating the claims does not affect the next verification', () => {
    const token = sign(goodClaims());
    const first = verify(token);
    first.sub = 'changed';
    expect(verify(token).sub).toBe('user-1');
  });

  test.each([
    ['an empty secret', { secret: '' }, /secret/],
    ['no algorithm', { algorithms: [] }, /at least one/],
    ['an asymmetric algorithm', { algorithms: ['RS256'] as never }, /RS256 is not one of/],
    ['a negative leeway', { leewaySeconds: -1 }, /leewaySeconds/],
  ])('refuses settings with %s at creation', (_name, overrides, message) => {
    const error = thrownBy(() => createTokenVerifier(testSettings(overrides)));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(message);
  });
});
