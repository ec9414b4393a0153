// The AES-256-GCM both envelope formats seal with: a round trip, and every way opening refuses, without throwing.
import { randomBytes } from 'node:crypto';
import { gcmOpen, gcmSeal, TAG_BYTES } from '../../src/tasks/aes-gcm';

const key = randomBytes(32);
const aad = Buffer.from('pym task envelope\n3\nA256GCM');

test('opens what it sealed; each seal has a fresh IV', () => {
  const first = gcmSeal(key, aad, '{"task":"é"}');
  const second = gcmSeal(key, aad, '{"task":"é"}');
  expect(gcmOpen(key, aad, first)).toEqual({ ok: true, plaintext: '{"task":"é"}' });
  expect(first.iv.equals(second.iv)).toBe(false);
  expect(first.tag).toHaveLength(TAG_BYTES);
});

test('another key, other additional data or an altered byte: unauthenticated', () => {
  const sealed = gcmSeal(key, aad, 'payload');
  const altered = Buffer.from(sealed.ciphertext);
  altered[0]! ^= 1;
  for (const [k, a, s] of [
    [randomBytes(32), aad, sealed],
    [key, Buffer.from('pym task envelope v2 A256GCM+HS256'), sealed],
    [key, aad, { ...sealed, ciphertext: altered }],
  ] as const) {
    expect(gcmOpen(k, a, s)).toMatchObject({ ok: false, failure: 'unauthenticated' });
  }
});

test('an IV or tag of the wrong length: malformed, before any decryption', () => {
  const sealed = gcmSeal(key, aad, 'payload');
  expect(gcmOpen(key, aad, { ...sealed, iv: sealed.iv.subarray(0, 8) })).toEqual({ ok: false, failure: 'malformed', message: 'the iv must be 12 bytes and the tag 16' });
  expect(gcmOpen(key, aad, { ...sealed, tag: sealed.tag.subarray(0, 4) })).toMatchObject({ ok: false, failure: 'malformed' });
});
