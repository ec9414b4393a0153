// deriveEnvelopeKeys: HKDF-SHA256 keys, independent, stable across processes, from seal_secret or jwt_secret.
import { hkdfSync } from 'node:crypto';
import { deriveEnvelopeKeys } from '../../src/tasks/envelope-keys';

const JWT = 'a-jwt-secret-of-at-least-16-chars';
const SEAL = 'a-seal-secret-of-at-least-16-chars';

describe('deriveEnvelopeKeys', () => {
  it('derives two distinct 32-byte keys, neither equal to the secret', () => {
    const { sealKey, encryptionKey } = deriveEnvelopeKeys({ jwtSecret: JWT });
    expect(sealKey).toHaveLength(32);
    expect(encryptionKey).toHaveLength(32);
    expect(sealKey.equals(encryptionKey)).toBe(false);
    expect(sealKey.includes(Buffer.from(JWT.slice(0, 16)))).toBe(false);
  });

  it('is deterministic, so the server and its workers agree', () => {
    const a = deriveEnvelopeKeys({ jwtSecret: JWT });
    const b = deriveEnvelopeKeys({ jwtSecret: JWT });
    expect(a.sealKey.equals(b.sealKey)).toBe(true);
    expect(a.encryptionKey.equals(b.encryptionKey)).toBe(true);
  });

  it('uses HKDF-SHA256 with the documented labels (pinned: changing them breaks queued jobs)', () => {
    const derive = (info: string) => Buffer.from(hkdfSync('sha256', JWT, 'pym task envelope', info, 32));
    const keys = deriveEnvelopeKeys({ jwtSecret: JWT });
    expect(keys.sealKey.equals(derive('pym task seal v1'))).toBe(true);
    expect(keys.encryptionKey.equals(derive('pym task encrypt v1'))).toBe(true);
  });

  it('prefers the seal secret over the JWT secret', () => {
    const both = deriveEnvelopeKeys({ sealSecret: SEAL, jwtSecret: JWT });
    expect(both.sealKey.equals(deriveEnvelopeKeys({ sealSecret: SEAL }).sealKey)).toBe(true);
    expect(both.sealKey.equals(deriveEnvelopeKeys({ jwtSecret: JWT }).sealKey)).toBe(false);
  });

  it.each([
    ['no secret', {}],
    ['empty secrets', { sealSecret: '', jwtSecret: '' }],
  ])('refuses %s, saying what to set', (_name, options) => {
    expect(() => deriveEnvelopeKeys(options)).toThrow(
      'Task envelopes need a secret: set jwt_secret or async.seal_secret in pym-config.yaml',
    );
  });

  it('refuses a short secret, naming its key', () => {
    expect(() => deriveEnvelopeKeys({ sealSecret: 'short' })).toThrow(/async\.seal_secret .* at least 16 characters/);
    expect(() => deriveEnvelopeKeys({ jwtSecret: 'short' })).toThrow(/jwt_secret .* at least 16 characters/);
  });
});
