// The task's progress object (progress, message, resource URL, error) sealed with the envelope's key and its job id.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { EnvelopeKeys } from './envelope-keys';
import type { TaskProgressState } from './job-context';

/** What is stored as a BullMQ job's progress: the state and its seal. */
export type SealedProgress = TaskProgressState & { seal: string };

/** The HMAC of a progress state for one job, over a fixed encoding of every field the status document shows. */
function progressSeal(keys: EnvelopeKeys, jobId: string, state: TaskProgressState): string {
  const error = state.error ? [state.error.error, state.error.error_description, state.error.user_message ?? null, state.error.error_id] : null;
  // Domain-separated from the envelope's seal (whose input starts "pym task envelope").
  return createHmac('sha256', keys.sealKey)
    .update(`pym task progress v1\n${JSON.stringify([jobId, state.progress, state.message, state.resource_url, error])}`, 'utf8')
    .digest('base64url');
}

/** The progress object to store for `jobId`: `state`'s fields and their seal. */
export function sealProgress(keys: EnvelopeKeys, jobId: string, state: TaskProgressState): SealedProgress {
  const plain: TaskProgressState = { progress: state.progress, message: state.message, resource_url: state.resource_url };
  if (state.error) plain.error = state.error;
  return { ...plain, seal: progressSeal(keys, jobId, plain) };
}

/**
 * The progress state stored for `jobId`, or undefined when there is none or its seal does not match: written by
 * something other than this service's workers (anyone who can write to Redis), or for another job.
 */
export function openProgress(keys: EnvelopeKeys, jobId: string, stored: unknown): TaskProgressState | undefined {
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) return undefined;
  const { seal, progress, message, resource_url, error } = stored as Partial<SealedProgress>;
  if (typeof seal !== 'string' || typeof progress !== 'number') return undefined;
  if (!(message === null || typeof message === 'string') || !(resource_url === null || typeof resource_url === 'string')) return undefined;
  const state: TaskProgressState = { progress, message, resource_url };
  if (error !== undefined) state.error = error;
  const expected = Buffer.from(progressSeal(keys, jobId, state), 'utf8');
  const actual = Buffer.from(seal, 'utf8');
  return expected.length === actual.length && timingSafeEqual(expected, actual) ? state : undefined;
}
