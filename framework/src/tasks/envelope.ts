// The task envelope: what a job carries (task, arguments, caller's context), sealed and optionally encrypted.
// Sealing writes the format the envelope names (3 by default, 2 for a rollout); opening reads both.
import type { EnvelopeKeys } from './envelope-keys';
import { EnvelopeRejectedError, KEY_BYTES, envelopeProblem, isRecord, type OpenOptions, type TaskEnvelope } from './envelope-model';
import { openV2, sealV2, type SealedEnvelopeV2 } from './envelope-v2';
import { openV3, sealV3, type SealedEnvelopeV3 } from './envelope-v3';

export {
  EnvelopeRejectedError,
  type EnvelopeFormat,
  type EnvelopeRejectReason,
  type OpenOptions,
  type TaskContext,
  type TaskEnvelope,
} from './envelope-model';
export type { SealedEnvelopeV2, SealAlgorithmV2 } from './envelope-v2';
export type { SealedEnvelopeV3, SealAlgorithmV3 } from './envelope-v3';

/** What goes in a job's data: a sealed envelope of format 3 or 2. */
export type SealedEnvelope = SealedEnvelopeV3 | SealedEnvelopeV2;

/** Options of sealEnvelope. */
export interface SealOptions {
  /**
   * Encrypt the envelope (AES-256-GCM) so that Redis never holds a readable token, claims or argument.
   * @defaultValue false
   */
  encrypt?: boolean;
}

/**
 * Seal an envelope for a job's data, in the format `envelope.v` names. Format 3: encrypted, one AES-256-GCM seal
 * with `keys.encryptionKey`; not encrypted, an HMAC-SHA256 with `keys.sealKey`; the token's claims are left out (the
 * token carries them). Format 2: HMAC-SHA256 with `keys.sealKey`, after AES-256-GCM when encrypted.
 *
 * @throws TypeError when the envelope is not well formed or the keys are not 32 bytes.
 * @example
 * const data = sealEnvelope({ v: 3, task: 'sendWelcome', job: { id }, args, context }, keys, { encrypt: true });
 * await queue.add('sendWelcome', data, { jobId: id });
 */
export function sealEnvelope(envelope: TaskEnvelope, keys: EnvelopeKeys, options: SealOptions = {}): SealedEnvelope {
  checkKeys(keys);
  const version = envelope.v === 2 ? 2 : 3;
  const problem = envelopeProblem(envelope, version);
  if (problem) throw new TypeError(`Cannot seal task envelope: ${problem}`);
  return version === 3 ? sealV3(envelope, keys, options.encrypt === true) : sealV2(envelope, keys, options.encrypt === true);
}

/**
 * Verify and open a job's data, of format 3 or 2. Checks that the seal is present and authentic (a format-3 GCM
 * tag, or an HMAC compared in constant time), that the payload decrypts to a well-formed envelope, and that it is
 * for `jobName` and `jobId` (so a sealed envelope cannot be replayed under another task's name, nor re-added as
 * another job). A format-3 envelope comes back with its token's claims, as a format-2 one carries them.
 *
 * @throws EnvelopeRejectedError with the failed check as `reason`.
 */
export function openEnvelope(data: unknown, keys: EnvelopeKeys, options: OpenOptions = {}): TaskEnvelope {
  checkKeys(keys);
  if (!isRecord(data)) throw new EnvelopeRejectedError('malformed', 'job data is not an object');
  if (data.v === 3) return openV3(data, keys, options);
  // Nothing that could authenticate it (a format-2 seal, a format-3 seal or GCM tag): not an envelope at all.
  if (data.seal === undefined && (data.v === 2 || data.tag === undefined)) throw new EnvelopeRejectedError('missing-seal', 'job data has no seal');
  if (data.v === 2) return openV2(data, keys, options);
  throw new EnvelopeRejectedError('unknown-version', `version ${JSON.stringify(data.v)} is not supported (expected 3 or 2)`);
}

function checkKeys(keys: EnvelopeKeys): void {
  if (keys.sealKey.length !== KEY_BYTES || keys.encryptionKey.length !== KEY_BYTES) {
    throw new TypeError(`Task envelope keys must be ${KEY_BYTES} bytes each (use deriveEnvelopeKeys)`);
  }
}
