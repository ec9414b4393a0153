// Envelope format 2: HMAC-SHA256 seal, AES-256-GCM encrypted first when asked (encrypt-then-MAC), claims carried.
// Still opened (jobs queued before an upgrade) and sealed with `async.envelope_format: 2` (a rollout of format 3).
import { createHmac } from 'node:crypto';
import { gcmOpen, gcmSeal } from './aes-gcm';
import type { EnvelopeKeys } from './envelope-keys';
import { EnvelopeRejectedError, checkBinding, parseEnvelope, sameString, type OpenOptions, type TaskEnvelope } from './envelope-model';

/** How a format-2 envelope protects its payload. */
export type SealAlgorithmV2 = 'HS256' | 'A256GCM+HS256';

/**
 * What goes in a job's data in format 2. The seal is an HMAC-SHA256 (base64url) over `v`, `alg`, `iv`, `tag`
 * and `payload`: every field the worker reads. Encrypted envelopes are encrypt-then-MAC.
 */
export interface SealedEnvelopeV2 {
  v: 2;
  alg: SealAlgorithmV2;
  /** `HS256`: the envelope's JSON. `A256GCM+HS256`: its AES-256-GCM ciphertext, base64url. */
  payload: string;
  /** The random 12-byte GCM IV, base64url (encrypted only). */
  iv?: string;
  /** The 16-byte GCM authentication tag, base64url (encrypted only). */
  tag?: string;
  /** HMAC-SHA256 of the fields above, base64url. */
  seal: string;
}

const VERSION = 2;
const PLAIN = 'HS256' satisfies SealAlgorithmV2;
const ENCRYPTED = 'A256GCM+HS256' satisfies SealAlgorithmV2;
const SEALED_KEYS = new Set(['v', 'alg', 'payload', 'iv', 'tag', 'seal']);
const AAD = Buffer.from(`pym task envelope v${VERSION} ${ENCRYPTED}`, 'utf8');

/** Seal `envelope` (format 2, shape already checked): HMAC, after AES-256-GCM with `encrypt`. */
export function sealV2(envelope: TaskEnvelope, keys: EnvelopeKeys, encrypt: boolean): SealedEnvelopeV2 {
  const json = JSON.stringify(envelope);
  if (!encrypt) {
    return { v: VERSION, alg: PLAIN, payload: json, seal: computeSeal(keys.sealKey, PLAIN, json) };
  }
  const { ciphertext, iv, tag } = gcmSeal(keys.encryptionKey, AAD, json);
  const sealed = {
    v: VERSION,
    alg: ENCRYPTED,
    payload: ciphertext.toString('base64url'),
    iv: iv.toString('base64url'),
    tag: tag.toString('base64url'),
  } as const;
  return { ...sealed, seal: computeSeal(keys.sealKey, ENCRYPTED, sealed.payload, sealed.iv, sealed.tag) };
}

/**
 * Open format-2 job data (`data.v` is 2). Checks, in order: the shape, the seal (constant-time), the decryption,
 * the envelope's shape, and that it is for `jobName` and `jobId`.
 * @throws EnvelopeRejectedError with the failed check as `reason`.
 */
export function openV2(data: Record<string, unknown>, keys: EnvelopeKeys, options: OpenOptions): TaskEnvelope {
  const sealed = readSealed(data);
  const expected = computeSeal(keys.sealKey, sealed.alg, sealed.payload, sealed.iv, sealed.tag);
  if (!sameString(expected, sealed.seal)) {
    throw new EnvelopeRejectedError('bad-seal', 'the seal does not match: altered, or sealed with another key');
  }
  const json = sealed.alg === ENCRYPTED ? decrypt(sealed, keys.encryptionKey) : sealed.payload;
  const envelope = parseEnvelope(json, VERSION);
  checkBinding(envelope, options);
  return envelope;
}

function readSealed(data: Record<string, unknown>): SealedEnvelopeV2 {
  const extra = Object.keys(data).find((key) => !SEALED_KEYS.has(key));
  if (extra !== undefined) throw new EnvelopeRejectedError('malformed', `unexpected field "${extra}"`);
  const { alg, payload, iv, tag, seal } = data;
  if (typeof seal !== 'string') throw new EnvelopeRejectedError('malformed', 'the seal is not a string');
  if (typeof payload !== 'string') throw new EnvelopeRejectedError('malformed', 'the payload is not a string');
  if (alg === PLAIN) {
    if (iv !== undefined || tag !== undefined) throw new EnvelopeRejectedError('malformed', `${PLAIN} takes no iv or tag`);
    return { v: VERSION, alg, payload, seal };
  }
  if (alg === ENCRYPTED) {
    if (typeof iv !== 'string' || typeof tag !== 'string') {
      throw new EnvelopeRejectedError('malformed', `${ENCRYPTED} needs an iv and a tag`);
    }
    return { v: VERSION, alg, payload, iv, tag, seal };
  }
  throw new EnvelopeRejectedError('malformed', `unknown algorithm ${JSON.stringify(alg)}`);
}

function decrypt(sealed: SealedEnvelopeV2, key: Buffer): string {
  const opened = gcmOpen(key, AAD, {
    ciphertext: Buffer.from(sealed.payload, 'base64url'),
    iv: Buffer.from(sealed.iv ?? '', 'base64url'),
    tag: Buffer.from(sealed.tag ?? '', 'base64url'),
  });
  if (opened.ok) return opened.plaintext;
  if (opened.failure === 'malformed') throw new EnvelopeRejectedError('malformed', opened.message);
  throw new EnvelopeRejectedError('decrypt-failed', 'the payload does not decrypt with this service\'s key', { cause: opened.cause });
}

/**
 * HMAC over an unambiguous encoding of every field the worker reads: a fixed header, the algorithm, the
 * length-prefixed iv and tag, then the payload as is (last, so it needs no prefix nor escaping).
 */
function computeSeal(key: Buffer, alg: SealAlgorithmV2, payload: string, iv = '', tag = ''): string {
  return createHmac('sha256', key)
    .update(`pym task envelope\n${VERSION}\n${alg}\n${iv.length}:${iv}\n${tag.length}:${tag}\n`, 'utf8')
    .update(payload, 'utf8')
    .digest('base64url');
}
