// The task envelope: what a job carries (task, arguments, caller's context), sealed and optionally encrypted.
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Json } from './json';
import type { EnvelopeKeys } from './envelope-keys';


/** IVs come from a pooled CSPRNG buffer: the same randomness as randomBytes(12), without a syscall per call. */
const IV_POOL_SIZE = 12 * 512;
let ivPool = Buffer.alloc(0);
let ivOffset = 0;

/** A fresh random 12-byte IV (the pool is replaced, never overwritten, so returned IVs stay valid). */
function randomIv(): Buffer {
  if (ivOffset + IV_BYTES > ivPool.length) {
    ivPool = randomBytes(IV_POOL_SIZE);
    ivOffset = 0;
  }
  const iv = ivPool.subarray(ivOffset, ivOffset + IV_BYTES);
  ivOffset += IV_BYTES;
  return iv;
}

/** The caller's request context, as captured at enqueue time and re-created in the worker. */
export interface TaskContext {
  /** The caller's verified bearer token. */
  token?: string;
  /** The token's claims. */
  claims?: Record<string, unknown>;
  /** Request id of the request that enqueued the task. */
  requestId?: string;
  /** URL (path and query) of that request. */
  url?: string;
  /** HTTP method of that request. */
  method?: string;
  /** W3C trace context of that request. */
  traceparent?: string;
  /** When the task was enqueued, in epoch milliseconds. */
  enqueuedAt: number;
  /** A scheduled run: the worker runs it as the service, with a token minted for `default_user_id` at run time. */
  service?: true;
}

/** An envelope before sealing (and after opening). */
export interface TaskEnvelope {
  /** Envelope format version (2: bound to its job; 1, unbound, is refused). */
  v: 2;
  /** The registered task name; also the BullMQ job name. */
  task: string;
  /**
   * The job this envelope is sealed for: its id, or for the runs of a schedule, the BullMQ job scheduler's
   * id (each run's job id is `repeat:<scheduler>:<time>`). A copy re-added under another job id is refused.
   */
  job: { id: string } | { scheduler: string };
  /** The arguments, encoded by serializeArgs. */
  args: Json;
  context: TaskContext;
}

/** How a sealed envelope protects its payload. */
export type SealAlgorithm = 'HS256' | 'A256GCM+HS256';

/**
 * What goes in a job's data. The seal is an HMAC-SHA256 (base64url) over `v`, `alg`, `iv`, `tag`
 * and `payload`: every field the worker reads. Encrypted envelopes are encrypt-then-MAC.
 */
export interface SealedEnvelope {
  v: 2;
  alg: SealAlgorithm;
  /** `HS256`: the envelope's JSON. `A256GCM+HS256`: its AES-256-GCM ciphertext, base64url. */
  payload: string;
  /** The random 12-byte GCM IV, base64url (encrypted only). */
  iv?: string;
  /** The 16-byte GCM authentication tag, base64url (encrypted only). */
  tag?: string;
  /** HMAC-SHA256 of the fields above, base64url. */
  seal: string;
}

/** Options of sealEnvelope. */
export interface SealOptions {
  /**
   * Encrypt the envelope (AES-256-GCM) so that Redis never holds a readable token, claims or argument.
   * @defaultValue false
   */
  encrypt?: boolean;
}

/** Options of openEnvelope. */
export interface OpenOptions {
  /** The BullMQ job name: when given, the envelope must be for this task. */
  jobName?: string;
  /** The BullMQ job id: when given, the envelope must be sealed for this job (or its schedule). */
  jobId?: string;
}

/** Why an envelope was refused. */
export type EnvelopeRejectReason =
  | 'missing-seal'
  | 'bad-seal'
  | 'unknown-version'
  | 'malformed'
  | 'decrypt-failed'
  | 'task-mismatch'
  | 'job-mismatch';

/** Thrown by openEnvelope: the job must fail without running or retrying. */
export class EnvelopeRejectedError extends Error {
  readonly reason: EnvelopeRejectReason;

  constructor(reason: EnvelopeRejectReason, message: string, options?: { cause?: unknown }) {
    super(`Task envelope rejected (${reason}): ${message}`, options);
    this.name = 'EnvelopeRejectedError';
    this.reason = reason;
  }
}

const VERSION = 2;
const PLAIN = 'HS256' satisfies SealAlgorithm;
const ENCRYPTED = 'A256GCM+HS256' satisfies SealAlgorithm;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;
const SEALED_KEYS = new Set(['v', 'alg', 'payload', 'iv', 'tag', 'seal']);
const ENVELOPE_KEYS = new Set(['v', 'task', 'job', 'args', 'context']);
const CONTEXT_STRINGS = ['token', 'requestId', 'url', 'method', 'traceparent'] as const;
const CONTEXT_KEYS = new Set<string>([...CONTEXT_STRINGS, 'claims', 'enqueuedAt', 'service']);

/**
 * Seal an envelope for a job's data: HMAC-SHA256 with `keys.sealKey`, and with `encrypt`,
 * AES-256-GCM with `keys.encryptionKey` and a fresh random IV first (encrypt-then-MAC).
 *
 * @example
 * const data = sealEnvelope({ v: 2, task: 'sendWelcome', job: { id }, args, context }, keys, { encrypt: true });
 * await queue.add('sendWelcome', data, { jobId: id });
 */
export function sealEnvelope(envelope: TaskEnvelope, keys: EnvelopeKeys, options: SealOptions = {}): SealedEnvelope {
  checkKeys(keys);
  const problem = envelopeProblem(envelope);
  if (problem) throw new TypeError(`Cannot seal task envelope: ${problem}`);
  const json = JSON.stringify(envelope);
  if (!options.encrypt) {
    return { v: VERSION, alg: PLAIN, payload: json, seal: computeSeal(keys.sealKey, PLAIN, json) };
  }
  const iv = randomIv();
  const cipher = createCipheriv('aes-256-gcm', keys.encryptionKey, iv);
  cipher.setAAD(aad(ENCRYPTED));
  const ciphertext = Buffer.concat([cipher.update(json, 'utf8'), cipher.final()]);
  const sealed = {
    v: VERSION,
    alg: ENCRYPTED,
    payload: ciphertext.toString('base64url'),
    iv: iv.toString('base64url'),
    tag: cipher.getAuthTag().toString('base64url'),
  } as const;
  return { ...sealed, seal: computeSeal(keys.sealKey, ENCRYPTED, sealed.payload, sealed.iv, sealed.tag) };
}

/**
 * Verify and open a job's data. Checks, in order: a seal is present, the version is known, the shape
 * is right, the seal matches (constant-time), the ciphertext decrypts, the envelope is well formed,
 * and it is for `jobName` and `jobId` (so a sealed envelope cannot be replayed under another task's name, nor
 * re-added as another job).
 *
 * @throws EnvelopeRejectedError with the failed check as `reason`.
 */
export function openEnvelope(data: unknown, keys: EnvelopeKeys, options: OpenOptions = {}): TaskEnvelope {
  checkKeys(keys);
  if (!isRecord(data)) throw new EnvelopeRejectedError('malformed', 'job data is not an object');
  if (data.seal === undefined) throw new EnvelopeRejectedError('missing-seal', 'job data has no seal');
  if (data.v !== VERSION) {
    const version = JSON.stringify(data.v);
    throw new EnvelopeRejectedError('unknown-version', `version ${version} is not supported (expected ${VERSION})`);
  }
  const sealed = readSealed(data);
  const expected = computeSeal(keys.sealKey, sealed.alg, sealed.payload, sealed.iv, sealed.tag);
  if (!sameString(expected, sealed.seal)) {
    throw new EnvelopeRejectedError('bad-seal', 'the seal does not match: altered, or sealed with another key');
  }
  const json = sealed.alg === ENCRYPTED ? decrypt(sealed, keys.encryptionKey) : sealed.payload;
  let envelope: unknown;
  try {
    envelope = JSON.parse(json);
  } catch (cause) {
    throw new EnvelopeRejectedError('malformed', 'the payload is not JSON', { cause });
  }
  const problem = envelopeProblem(envelope);
  if (problem) throw new EnvelopeRejectedError('malformed', problem);
  const opened = envelope as TaskEnvelope;
  if (options.jobName !== undefined && options.jobName !== opened.task) {
    throw new EnvelopeRejectedError(
      'task-mismatch',
      `the envelope is for task "${opened.task}" but the job is named "${options.jobName}"`,
    );
  }
  if (options.jobId !== undefined && !isSealedFor(opened.job, options.jobId)) {
    throw new EnvelopeRejectedError('job-mismatch', `the envelope was sealed for ${describeJob(opened.job)}, not for job ${options.jobId}`);
  }
  return opened;
}

function isSealedFor(job: TaskEnvelope['job'], jobId: string): boolean {
  if ('id' in job) return job.id === jobId;
  const prefix = `repeat:${job.scheduler}:`;
  return jobId.startsWith(prefix) && /^\d+$/.test(jobId.slice(prefix.length));
}

function describeJob(job: TaskEnvelope['job']): string {
  return 'id' in job ? `job ${job.id}` : `the runs of job scheduler ${job.scheduler}`;
}

function readSealed(data: Record<string, unknown>): SealedEnvelope {
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

function decrypt(sealed: SealedEnvelope, key: Buffer): string {
  const iv = Buffer.from(sealed.iv ?? '', 'base64url');
  const tag = Buffer.from(sealed.tag ?? '', 'base64url');
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) {
    throw new EnvelopeRejectedError('malformed', `the iv must be ${IV_BYTES} bytes and the tag ${TAG_BYTES}`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(ENCRYPTED));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(Buffer.from(sealed.payload, 'base64url')), decipher.final()]).toString('utf8');
  } catch (cause) {
    throw new EnvelopeRejectedError('decrypt-failed', 'the payload does not decrypt with this service\'s key', { cause });
  }
}

/**
 * HMAC over an unambiguous encoding of every field the worker reads: a fixed header, the algorithm, the
 * length-prefixed iv and tag, then the payload as is (last, so it needs no prefix nor escaping).
 */
function computeSeal(key: Buffer, alg: SealAlgorithm, payload: string, iv = '', tag = ''): string {
  return createHmac('sha256', key)
    .update(`pym task envelope\n${VERSION}\n${alg}\n${iv.length}:${iv}\n${tag.length}:${tag}\n`, 'utf8')
    .update(payload, 'utf8')
    .digest('base64url');
}

function aad(alg: SealAlgorithm): Buffer {
  return Buffer.from(`pym task envelope v${VERSION} ${alg}`, 'utf8');
}

/** Constant-time comparison of the seal strings (strings, not decoded bytes: no base64 malleability). */
function sameString(expected: string, actual: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(actual, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** What is wrong with an envelope's shape, or undefined when it is well formed. */
function envelopeProblem(envelope: unknown): string | undefined {
  if (!isRecord(envelope)) return 'the envelope is not an object';
  const extra = Object.keys(envelope).find((key) => !ENVELOPE_KEYS.has(key));
  if (extra !== undefined) return `unexpected envelope field "${extra}"`;
  if (envelope.v !== VERSION) return `envelope version ${JSON.stringify(envelope.v)} is not ${VERSION}`;
  if (typeof envelope.task !== 'string' || envelope.task === '') return 'the task name is missing';
  if (!isJobBinding(envelope.job)) return 'job is not { id } or { scheduler } (a non-empty string)';
  if (!Array.isArray(envelope.args)) return 'args is not an array';
  const context = envelope.context;
  if (!isRecord(context)) return 'the context is missing';
  const extraContext = Object.keys(context).find((key) => !CONTEXT_KEYS.has(key));
  if (extraContext !== undefined) return `unexpected context field "${extraContext}"`;
  if (typeof context.enqueuedAt !== 'number' || !Number.isFinite(context.enqueuedAt)) {
    return 'context.enqueuedAt is not a time';
  }
  const notString = CONTEXT_STRINGS.find((key) => context[key] !== undefined && typeof context[key] !== 'string');
  if (notString !== undefined) return `context.${notString} is not a string`;
  if (context.claims !== undefined && !isRecord(context.claims)) return 'context.claims is not an object';
  if (context.service !== undefined && context.service !== true) return 'context.service is not true';
  return undefined;
}

function isJobBinding(job: unknown): job is TaskEnvelope['job'] {
  if (!isRecord(job)) return false;
  const keys = Object.keys(job);
  const value = job[keys[0] ?? ''];
  return keys.length === 1 && (keys[0] === 'id' || keys[0] === 'scheduler') && typeof value === 'string' && value !== '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKeys(keys: EnvelopeKeys): void {
  if (keys.sealKey.length !== KEY_BYTES || keys.encryptionKey.length !== KEY_BYTES) {
    throw new TypeError(`Task envelope keys must be ${KEY_BYTES} bytes each (use deriveEnvelopeKeys)`);
  }
}
