// deriveEnvelopeKeys: the two independent keys that seal and encrypt task envelopes, from one secret.
import { hkdfSync } from 'node:crypto';

/** The keys of the task envelope: one for the HMAC seal, one for AES-256-GCM. */
export interface EnvelopeKeys {
  /** 32-byte HMAC-SHA256 key of the seal. */
  readonly sealKey: Buffer;
  /** 32-byte AES-256-GCM key, used when envelopes are encrypted. */
  readonly encryptionKey: Buffer;
}

/** Where the envelope keys come from. */
export interface EnvelopeKeySource {
  /** `async.seal_secret` of pym-config.yaml: preferred when set. */
  sealSecret?: string;
  /** `jwt_secret` of pym-config.yaml: the fallback. */
  jwtSecret?: string;
}

const SALT = 'pym task envelope';
const SEAL_INFO = 'pym task seal v1';
const ENCRYPT_INFO = 'pym task encrypt v1';
const MIN_SECRET_LENGTH = 16;

/**
 * Derive the envelope keys with HKDF-SHA256 from `sealSecret`, or from `jwtSecret` when no seal
 * secret is set. The two keys use distinct HKDF labels, so neither reveals the other, and neither
 * is the JWT signing key itself.
 *
 * @throws Error when neither secret is set, or the chosen one is shorter than 16 characters.
 * @example
 * const keys = deriveEnvelopeKeys({ sealSecret: config.async.seal_secret, jwtSecret: config.jwt_secret });
 */
export function deriveEnvelopeKeys(options: EnvelopeKeySource): EnvelopeKeys {
  const [secret, key] = options.sealSecret
    ? [options.sealSecret, 'async.seal_secret']
    : [options.jwtSecret, 'jwt_secret'];
  if (!secret) {
    throw new Error('Task envelopes need a secret: set jwt_secret or async.seal_secret in pym-config.yaml');
  }
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`${key} in pym-config.yaml must be at least ${MIN_SECRET_LENGTH} characters to seal task envelopes`);
  }
  return Object.freeze({ sealKey: derive(secret, SEAL_INFO), encryptionKey: derive(secret, ENCRYPT_INFO) });
}

function derive(secret: string, info: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), SALT, info, 32));
}
