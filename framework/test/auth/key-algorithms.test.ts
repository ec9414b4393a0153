// keyMismatch: which keys may verify which algorithms (the check that keeps HMAC, RSA and EC keys apart).
import { createSecretKey, generateKeyPairSync } from 'node:crypto';
import { keyMismatch } from '../../src/auth/key-algorithms';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).publicKey;
const p256 = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey;
const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey;
const p521 = generateKeyPairSync('ec', { namedCurve: 'secp521r1' }).publicKey;
const ed = generateKeyPairSync('ed25519').publicKey;

test('each algorithm with the keys it fits', () => {
  for (const alg of ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512']) expect(keyMismatch(rsa.publicKey, alg)).toBeUndefined();
  for (const alg of ['PS256', 'PS512']) expect(keyMismatch(pss, alg)).toBeUndefined();
  expect([keyMismatch(p256, 'ES256'), keyMismatch(p384, 'ES384'), keyMismatch(p521, 'ES512')]).toEqual([undefined, undefined, undefined]);
});

test('and refused with the others', () => {
  expect(keyMismatch(rsa.publicKey, 'HS256')).toBe('HS256 is not a public-key algorithm pym accepts');
  expect(keyMismatch(createSecretKey(Buffer.from('a-secret-of-32-bytes-for-hmac!!!')), 'HS256')).toBe('HS256 is verified with a public key, this one is secret');
  expect(keyMismatch(rsa.privateKey, 'RS256')).toBe('RS256 is verified with a public key, this one is private');
  expect(keyMismatch(p256, 'RS256')).toBe('RS256 needs an RSA key, this one is ec');
  expect(keyMismatch(pss, 'RS256')).toBe('RS256 needs an RSA key, this one is rsa-pss');
  expect(keyMismatch(rsa.publicKey, 'ES256')).toBe('ES256 needs an EC key, this one is rsa');
  expect(keyMismatch(p384, 'ES256')).toBe('ES256 needs an EC key on curve prime256v1, this one is on secp384r1');
  expect(keyMismatch(rsa1024, 'RS256')).toBe('the RSA key has 1024 bits, fewer than 2048');
  expect(keyMismatch(ed, 'EdDSA')).toBe('EdDSA is not a public-key algorithm pym accepts');
  expect(keyMismatch(rsa.publicKey, 'RS1')).toBe('RS1 is not a supported algorithm');
  expect(keyMismatch(rsa.publicKey, 'none')).toBe('none is not a public-key algorithm pym accepts');
});
