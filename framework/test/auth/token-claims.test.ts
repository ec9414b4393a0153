// claimsOfToken: the claims a task envelope's token carries, exactly as the verifier returned them when it was enqueued.
import { mintToken } from '../../src/auth/generate-token';
import { claimsOfToken } from '../../src/auth/token-claims';
import { createTokenVerifier } from '../../src/auth/verify-token';
import { craftToken, nowSeconds, testSettings } from './jwt-test-helpers';

describe('claimsOfToken', () => {
  const settings = testSettings();

  test.each<[string, Record<string, unknown>]>([
    ['service claims', { role: 'admin', scopes: ['read', 'write'] }],
    ['nested objects and numbers', { tenant: { id: 7, name: 'acme' }, quota: 1.5, flags: [true, null] }],
    ['non-ASCII text', { name: 'Zoë Ünïcødé ✓ 日本' }],
  ])('equals what the verifier returns for the same token: %s', (_name, data) => {
    const { token, claims } = mintToken(settings, 'user-9', { data });
    const verified = createTokenVerifier(settings)(token);
    expect(claimsOfToken(token)).toStrictEqual(verified);
    expect(claimsOfToken(token)).toStrictEqual(claims);
    expect(Object.getPrototypeOf(claimsOfToken(token))).toBe(Object.prototype);
  });

  test('keeps a __proto__ claim as data, as the verifier does', () => {
    const exp = nowSeconds() + 600;
    const payload = `{"iss":"pym-test","aud":"pym-clients","sub":"user-9","exp":${exp},"__proto__":{"admin":true}}`;
    const token = craftToken({ alg: 'HS256', typ: 'JWT' }, payload);
    const claims = claimsOfToken(token)!;
    expect(claims).toStrictEqual(createTokenVerifier(settings)(token));
    expect(Object.getPrototypeOf(claims)).toBe(Object.prototype);
    expect(Object.hasOwn(claims, '__proto__')).toBe(true);
  });

  test.each([
    ['no dots', 'abc'],
    ['two segments', 'a.b'],
    ['four segments', 'a.eyJzdWIiOiJ4In0.c.d'],
    ['a payload that is not JSON', `a.${Buffer.from('not json').toString('base64url')}.c`],
    ['a payload that is an array', `a.${Buffer.from('[1,2]').toString('base64url')}.c`],
    ['a payload that is null', `a.${Buffer.from('null').toString('base64url')}.c`],
  ])('is undefined for %s', (_name, token) => {
    expect(claimsOfToken(token)).toBeUndefined();
  });
});
