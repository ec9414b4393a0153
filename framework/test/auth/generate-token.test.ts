// Tests of signToken and generateToken: the claims they set, their options and what they refuse.
import jwt from 'jsonwebtoken';
import { generateToken, signToken } from '../../src/auth/generate-token';
import { jwtSettingsFrom } from '../../src/auth/jwt-settings';
import { createTokenVerifier } from '../../src/auth/verify-token';
import { resetConfig, setConfig } from '../../src/config/config-store';
import { authConfig } from './config-fixture';
import { nowSeconds, SECRET, testSettings, thrownBy } from './jwt-test-helpers';

function decodeComplete(token: string): { header: jwt.JwtHeader; payload: jwt.JwtPayload } {
  const decoded = jwt.decode(token, { complete: true });
  if (!decoded || typeof decoded.payload === 'string') throw new Error('undecodable token');
  return { header: decoded.header, payload: decoded.payload };
}

describe('signToken', () => {
  const settings = testSettings({ tokenTimeoutSeconds: 3600 });

  test('sets iss, sub, aud, iat, exp and merges data at the top level', () => {
    const before = nowSeconds();
    const token = signToken(settings, 'user-7', { data: { role: 'admin', scopes: ['read'] } });
    const after = nowSeconds();
    const { header, payload } = decodeComplete(token);
    expect(header.alg).toBe('HS256');
    expect(payload).toMatchObject({ iss: 'pym-test', sub: 'user-7', aud: 'pym-clients', role: 'admin', scopes: ['read'] });
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.iat).toBeLessThanOrEqual(after);
    expect(payload.exp).toBe((payload.iat as number) + 3600);
    expect(Object.keys(payload).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'role', 'scopes', 'sub']);
    expect(jwt.verify(token, SECRET, { algorithms: ['HS256'] })).toMatchObject({ sub: 'user-7' });
  });

  test('is accepted by the verifier built from the same settings', () => {
    const claims = createTokenVerifier(settings)(signToken(settings, 'user-8', { data: { plan: 'pro' } }));
    expect(claims).toMatchObject({ sub: 'user-8', plan: 'pro', iss: 'pym-test', aud: 'pym-clients' });
  });

  test('honours expiresIn', () => {
    const { payload } = decodeComplete(signToken(settings, 'user-7', { expiresIn: 90 }));
    expect(payload.exp).toBe((payload.iat as number) + 90);
  });

  test('lets options override the configured issuer and audience', () => {
    const { payload } = decodeComplete(signToken(settings, 'user-7', { issuer: 'other-iss', audience: 'other-aud' }));
    expect(payload).toMatchObject({ iss: 'other-iss', aud: 'other-aud' });
  });

  test('omits iss and aud when neither is configured nor given', () => {
    const { payload } = decodeComplete(signToken(testSettings({ issuer: undefined, audience: undefined }), 'user-7'));
    expect(payload).not.toHaveProperty('iss');
    expect(payload).not.toHaveProperty('aud');
    expect(payload.sub).toBe('user-7');
  });

  test('signs with the first configured algorithm', () => {
    const hs512 = testSettings({ algorithms: ['HS512', 'HS256'] });
    const token = signToken(hs512, 'user-7');
    expect(decodeComplete(token).header.alg).toBe('HS512');
    expect(createTokenVerifier(hs512)(token).sub).toBe('user-7');
  });

  test.each(['iss', 'sub', 'aud', 'exp', 'iat'])('refuses data that sets the reserved claim %s', (claim) => {
    const error = thrownBy(() => signToken(settings, 'user-7', { data: { [claim]: 'x', ok: 1 } }));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain(`reserved claim(s) ${claim}`);
  });

  test.each([
    ['an empty user id', '', {}, /userId/],
    ['a zero expiresIn', 'user-7', { expiresIn: 0 }, /expiresIn/],
    ['a negative expiresIn', 'user-7', { expiresIn: -5 }, /expiresIn/],
    ['a fractional expiresIn', 'user-7', { expiresIn: 1.5 }, /expiresIn/],
    ['array data', 'user-7', { data: [] as never }, /data must be a plain object/],
  ])('refuses %s', (_name, userId, options, message) => {
    const error = thrownBy(() => signToken(settings, userId, options));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(message);
  });
});

describe('generateToken', () => {
  afterEach(() => resetConfig());

  test('signs with the loaded config', () => {
    const config = authConfig();
    setConfig(config);
    const token = generateToken('user-9', { data: { role: 'viewer' } });
    const { header, payload } = decodeComplete(token);
    expect(header.alg).toBe('HS384');
    expect(payload.exp).toBe((payload.iat as number) + 7200);
    expect(createTokenVerifier(jwtSettingsFrom(config))(token)).toMatchObject({
      sub: 'user-9',
      role: 'viewer',
      iss: 'auth-test',
      aud: 'auth-test-clients',
    });
  });

  test('fails naming jwt_secret when the config has none', () => {
    setConfig(authConfig({ jwt_secret: undefined }));
    expect(() => generateToken('user-9')).toThrow(/jwt_secret/);
  });

  test('fails when no config is loaded', () => {
    expect(() => generateToken('user-9')).toThrow(/config is not loaded/);
  });
});
