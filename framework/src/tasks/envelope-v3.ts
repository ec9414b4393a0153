// Envelope format 3: one AES-256-GCM seal when encrypted (no separate HMAC), one HMAC-SHA256 when not; the caller's
// token travels, its claims are read back from it when the envelope is opened.
import { createHmac } from 'node:crypto';
import { claimsOfToken } from '../auth/token-claims';
import { gcmOpen, gcmSeal } from './aes-gcm';
import type { EnvelopeKeys } from './envelope-keys';
import { EnvelopeRejectedError, checkBinding, parseEnvelope, sameString, type OpenOptions, type TaskEnvelope } from './envelope-model';

/** How a format-3 envelope protects its payload: AES-256-GCM (encrypted and authenticated), or HMAC-SHA256 (readable). */
export type SealAlgorithmV3 = 'A256GCM' | 'HS256';

/**
 * What goes in a job's data in format 3. `A256GCM`: the envelope's JSON encrypted with AES-256-GCM under a fresh
 * random IV; the GCM tag authenticates the ciphertext and, as additional data, the format and algorithm, so nothing
 * else is needed. `HS256` (`async.encrypt: false`): the envelope's JSON, readable, and an HMAC-SHA256 of the format,
 * the algorithm and that JSON. Either way the envelope inside names its task and job, checked against the job's.
 */
export type SealedEnvelopeV3 =
  | {
      v: 3;
      alg: 'A256GCM';
      /** The ciphertext, base64url. */
      payload: string;
      /** The random 12-byte IV, base64url. */
      iv: string;
      /** The 16-byte GCM authentication tag, base64url. */
      tag: string;
    }
  | {
      v: 3;
      alg: 'HS256';
      /** The envelope's JSON. */
      payload: string;
      /** HMAC-SHA256 of the format, the algorithm and the payload, base64url. */
      seal: string;
    };

const VERSION = 3;
const ENCRYPTED = 'A256GCM' satisfies SealAlgorithmV3;
const PLAIN = 'HS256' satisfies SealAlgorithmV3;
/** Additional data of the GCM seal: a format-2 ciphertext (other additional data) cannot pass for a format-3 one. */
const AAD = Buffer.from(`pym task envelope\n${VERSION}\n${ENCRYPTED}`, 'utf8');
const HMAC_HEADER = `pym task envelope\n${VERSION}\n${PLAIN}\n`;
const ENCRYPTED_KEYS = new Set(['v', 'alg', 'payload', 'iv', 'tag']);
const PLAIN_KEYS = new Set(['v', 'alg', 'payload', 'seal']);

/** Seal `envelope` (format 3, shape already checked): AES-256-GCM with `encrypt`, else HMAC-SHA256. */
export function sealV3(envelope: TaskEnvelope, keys: EnvelopeKeys, encrypt: boolean): SealedEnvelopeV3 {
  const json = JSON.stringify(withoutTokenClaims(envelope));
  if (!encrypt) return { v: VERSION, alg: PLAIN, payload: json, seal: hmac(keys.sealKey, json) };
  const { ciphertext, iv, tag } = gcmSeal(keys.encryptionKey, AAD, json);
  return {
    v: VERSION,
    alg: ENCRYPTED,
    payload: ciphertext.toString('base64url'),
    iv: iv.toString('base64url'),
    tag: tag.toString('base64url'),
  };
}

/**
 * Open format-3 job data (`data.v` is 3). Checks, in order: the fields, the seal (the GCM tag, or the HMAC compared
 * in constant time), the envelope's shape, its token's claims, and that it is for `jobName` and `jobId`.
 * @throws EnvelopeRejectedError with the failed check as `reason`.
 */
export function openV3(data: Record<string, unknown>, keys: EnvelopeKeys, options: OpenOptions): TaskEnvelope {
  const json = data.alg === ENCRYPTED ? decrypt(data, keys.encryptionKey) : verified(data, keys.sealKey);
  const opened = parseEnvelope(json, VERSION);
  const { context } = opened;
  if (context.token !== undefined) {
    if (context.claims !== undefined) throw new EnvelopeRejectedError('malformed', 'format 3 carries claims only without a token');
    const claims = claimsOfToken(context.token);
    if (!claims) throw new EnvelopeRejectedError('malformed', 'context.token is not a JWT whose payload is an object');
    context.claims = claims;
  }
  checkBinding(opened, options);
  return opened;
}

/** The envelope as format 3 stores it: with a token, without the claims (they are the token's payload). */
function withoutTokenClaims(envelope: TaskEnvelope): TaskEnvelope {
  const { context } = envelope;
  if (context.token === undefined || context.claims === undefined) return envelope;
  return { ...envelope, context: { ...context, claims: undefined } };
}

function decrypt(data: Record<string, unknown>, key: Buffer): string {
  checkFields(data, ENCRYPTED_KEYS);
  const { payload, iv, tag } = data;
  if (typeof payload !== 'string' || typeof iv !== 'string' || typeof tag !== 'string') {
    throw new EnvelopeRejectedError('malformed', `${ENCRYPTED} needs a payload, an iv and a tag (strings)`);
  }
  const opened = gcmOpen(key, AAD, {
    ciphertext: Buffer.from(payload, 'base64url'),
    iv: Buffer.from(iv, 'base64url'),
    tag: Buffer.from(tag, 'base64url'),
  });
  if (opened.ok) return opened.plaintext;
  if (opened.failure === 'malformed') throw new EnvelopeRejectedError('malformed', opened.message);
  throw new EnvelopeRejectedError('bad-seal', 'the envelope does not authenticate: altered, or sealed with another key', { cause: opened.cause });
}

function verified(data: Record<string, unknown>, key: Buffer): string {
  if (data.alg !== PLAIN) throw new EnvelopeRejectedError('malformed', `unknown algorithm ${JSON.stringify(data.alg)}`);
  if (data.seal === undefined) throw new EnvelopeRejectedError('missing-seal', 'job data has no seal');
  checkFields(data, PLAIN_KEYS);
  const { payload, seal } = data;
  if (typeof seal !== 'string') throw new EnvelopeRejectedError('malformed', 'the seal is not a string');
  if (typeof payload !== 'string') throw new EnvelopeRejectedError('malformed', 'the payload is not a string');
  if (!sameString(hmac(key, payload), seal)) {
    throw new EnvelopeRejectedError('bad-seal', 'the seal does not match: altered, or sealed with another key');
  }
  return payload;
}

function checkFields(data: Record<string, unknown>, allowed: ReadonlySet<string>): void {
  for (const key in data) if (!allowed.has(key)) throw new EnvelopeRejectedError('malformed', `unexpected field "${key}"`);
}

function hmac(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(HMAC_HEADER, 'utf8').update(payload, 'utf8').digest('base64url');
}
