// The HMAC KeyObject of a secret, built once: jsonwebtoken is ~3× slower when handed a string.
import { createSecretKey, type KeyObject } from 'node:crypto';

const keys = new Map<string, KeyObject>();

/** The KeyObject of `secret`, cached per secret (internal to auth/). */
export function secretKeyFor(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}
