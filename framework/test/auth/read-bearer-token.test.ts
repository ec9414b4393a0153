// Tests of readBearerToken: header rules, cookie fallback and URL decoding, header precedence.
import { readBearerToken } from '../../src/auth/read-bearer-token';
import { AuthorizationHeaderMissing, TokenInvalid } from '../../src/errors/builtin-errors';
import { PymError } from '../../src/errors/pym-error';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJl';
const OTHER = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTIifQ.b3RoZXI';

describe('readBearerToken', () => {
  const accepted: [string, string | undefined, string | undefined, string][] = [
    ['a Bearer header', `Bearer ${JWT}`, undefined, JWT],
    ['a lower-case scheme', `bearer ${JWT}`, undefined, JWT],
    ['an upper-case scheme', `BEARER ${JWT}`, undefined, JWT],
    ['surrounding and repeated whitespace', `  Bearer   ${JWT}  `, undefined, JWT],
    ['a cookie when there is no header', undefined, `Bearer ${JWT}`, JWT],
    ['a URL-encoded cookie', undefined, `Bearer%20${JWT}`, JWT],
    ['a cookie when the header is empty', '', `Bearer ${JWT}`, JWT],
    ['a cookie when the header is blank', '   ', encodeURIComponent(`Bearer ${JWT}`), JWT],
    ['the header over the cookie', `Bearer ${JWT}`, `Bearer ${OTHER}`, JWT],
  ];
  test.each(accepted)('reads %s', (_name, header, cookie, expected) => {
    expect(readBearerToken(header, cookie)).toBe(expected);
  });

  const rejected: [string, string | undefined, string | undefined, typeof TokenInvalid, RegExp][] = [
    ['no header and no cookie', undefined, undefined, AuthorizationHeaderMissing, /Authorization header/],
    ['an empty header and no cookie', '', undefined, AuthorizationHeaderMissing, /Authorization header/],
    ['a blank header and a blank cookie', ' \t ', '  ', AuthorizationHeaderMissing, /Authorization header/],
    ['another scheme', `Basic ${JWT}`, undefined, TokenInvalid, /Bearer scheme/],
    ['a token without a scheme', JWT, undefined, TokenInvalid, /Bearer scheme/],
    ['Bearer with no token', 'Bearer', undefined, TokenInvalid, /no token after 'Bearer'/],
    ['Bearer and spaces only', 'Bearer   ', undefined, TokenInvalid, /no token after 'Bearer'/],
    ['three words', `Bearer ${JWT} extra`, undefined, TokenInvalid, /no other words/],
    ['a cookie with another scheme', undefined, `Basic%20${JWT}`, TokenInvalid, /token cookie must use the Bearer/],
    ['a cookie with a bare token', undefined, JWT, TokenInvalid, /token cookie must use the Bearer/],
    ['a badly URL-encoded cookie', undefined, 'Bearer%zz', TokenInvalid, /not properly URL-encoded/],
    ['a bad header even with a good cookie', `Token ${JWT}`, `Bearer ${OTHER}`, TokenInvalid, /Authorization header/],
  ];
  test.each(rejected)('rejects %s', (_name, header, cookie, errorClass, message) => {
    let thrown: unknown;
    try {
      readBearerToken(header, cookie);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(errorClass);
    expect(thrown).toBeInstanceOf(PymError);
    const error = thrown as PymError;
    expect(error.code).toBe(errorClass.code);
    expect(error.status).toBe(401);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(JWT);
    expect(error.message).not.toContain(OTHER);
  });
});
