// Tests of withBackendToken: the minted token inside, the context kept around it and restored after.
import { jwtSettingsFrom } from '../../src/auth/jwt-settings';
import { createTokenVerifier } from '../../src/auth/verify-token';
import { withBackendToken } from '../../src/auth/with-backend-token';
import { resetConfig, setConfig } from '../../src/config/config-store';
import {
  getRequestContext,
  getUserId,
  getUserToken,
  getUserTokenData,
  runWithContext,
} from '../../src/context/request-context';
import { authConfig } from './config-fixture';

const config = authConfig();
const verify = createTokenVerifier(jwtSettingsFrom(config));

describe('withBackendToken', () => {
  beforeEach(() => setConfig(config));
  afterEach(() => resetConfig());

  test('runs fn with a verifiable token for the given user, and restores no context after', () => {
    const inside = withBackendToken({ userId: 'worker-1', data: { role: 'service' } }, () => ({
      userId: getUserId(),
      token: getUserToken(),
      claims: getUserTokenData(),
      context: getRequestContext(),
    }));
    expect(inside.userId).toBe('worker-1');
    expect(inside.token).toEqual(expect.any(String));
    const verified = verify(inside.token as string);
    expect(verified).toMatchObject({ sub: 'worker-1', role: 'service', iss: 'auth-test', aud: 'auth-test-clients' });
    expect(inside.claims).toEqual(verified);
    expect(inside.context).toMatchObject({ method: '', url: '' });
    expect(inside.context?.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(getRequestContext()).toBeUndefined();
    expect(getUserId()).toBeUndefined();
  });

  test('uses default_user_id when no user id is given', () => {
    expect(withBackendToken({}, () => getUserId())).toBe('service-bot');
  });

  test('keeps the request context but swaps the token, then restores the caller', () => {
    const outer = {
      requestId: 'req-123',
      method: 'POST',
      url: '/v1/books',
      token: 'caller-token',
      claims: { sub: 'caller' },
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    };
    runWithContext(outer, () => {
      const inside = withBackendToken({ userId: 'worker-2' }, () => getRequestContext());
      expect(inside).toMatchObject({ requestId: 'req-123', method: 'POST', url: '/v1/books', traceparent: outer.traceparent });
      expect(inside?.claims?.sub).toBe('worker-2');
      expect(inside?.token).not.toBe('caller-token');
      expect(getUserId()).toBe('caller');
      expect(getUserToken()).toBe('caller-token');
    });
    expect(outer.claims.sub).toBe('caller');
  });

  test('keeps the token across awaits and returns fn’s promise', async () => {
    const seen = await withBackendToken({ userId: 'worker-3' }, async () => {
      await new Promise<void>((resolve) => setImmediate(resolve));
      return getUserId();
    });
    expect(seen).toBe('worker-3');
    expect(getUserId()).toBeUndefined();
  });

  test('fails telling to set default_user_id when there is no user id', () => {
    setConfig(authConfig({ default_user_id: undefined }));
    let ran = false;
    expect(() => withBackendToken({}, () => (ran = true))).toThrow(/default_user_id/);
    expect(ran).toBe(false);
  });
});
