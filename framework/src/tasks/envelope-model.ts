// What a task envelope holds and how it may look: the types, the refusal error and the checks every format shares.
import { timingSafeEqual } from 'node:crypto';
import type { Json } from './json';

/** The caller's request context, as captured at enqueue time and re-created in the worker. */
export interface TaskContext {
  /** The caller's verified bearer token. */
  token?: string;
  /**
   * The token's claims. Format 2 carries them next to the token; format 3 carries the token only (its claims are
   * read from it when the envelope is opened) and claims only for a context without a token.
   */
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

/** The envelope formats this version seals and opens (1, not bound to its job, is refused). */
export type EnvelopeFormat = 2 | 3;

/** An envelope before sealing (and after opening). */
export interface TaskEnvelope {
  /** The format it is sealed in (or was opened from): 2 (encrypt-then-MAC) or 3 (one AES-256-GCM seal). */
  v: EnvelopeFormat;
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

/** Bytes of each key of EnvelopeKeys. */
export const KEY_BYTES = 32;

const ENVELOPE_KEYS = new Set(['v', 'task', 'job', 'args', 'context']);
const CONTEXT_STRINGS = ['token', 'requestId', 'url', 'method', 'traceparent'] as const;
const CONTEXT_KEYS = new Set<string>([...CONTEXT_STRINGS, 'claims', 'enqueuedAt', 'service']);

/** What is wrong with an envelope's shape for format `version`, or undefined when it is well formed. */
export function envelopeProblem(envelope: unknown, version: EnvelopeFormat): string | undefined {
  if (!isRecord(envelope)) return 'the envelope is not an object';
  for (const key in envelope) if (!ENVELOPE_KEYS.has(key)) return `unexpected envelope field "${key}"`;
  if (envelope.v !== version) return `envelope version ${JSON.stringify(envelope.v)} is not ${version}`;
  if (typeof envelope.task !== 'string' || envelope.task === '') return 'the task name is missing';
  if (!isJobBinding(envelope.job)) return 'job is not { id } or { scheduler } (a non-empty string)';
  if (!Array.isArray(envelope.args)) return 'args is not an array';
  const context = envelope.context;
  if (!isRecord(context)) return 'the context is missing';
  for (const key in context) if (!CONTEXT_KEYS.has(key)) return `unexpected context field "${key}"`;
  if (typeof context.enqueuedAt !== 'number' || !Number.isFinite(context.enqueuedAt)) {
    return 'context.enqueuedAt is not a time';
  }
  for (const key of CONTEXT_STRINGS) {
    if (context[key] !== undefined && typeof context[key] !== 'string') return `context.${key} is not a string`;
  }
  if (context.claims !== undefined && !isRecord(context.claims)) return 'context.claims is not an object';
  if (context.service !== undefined && context.service !== true) return 'context.service is not true';
  return undefined;
}

/**
 * Parse an opened payload and check its shape for format `version`.
 * @throws EnvelopeRejectedError `malformed` when it is not JSON or not a well-formed envelope.
 */
export function parseEnvelope(json: string, version: EnvelopeFormat): TaskEnvelope {
  let envelope: unknown;
  try {
    envelope = JSON.parse(json);
  } catch (cause) {
    throw new EnvelopeRejectedError('malformed', 'the payload is not JSON', { cause });
  }
  const problem = envelopeProblem(envelope, version);
  if (problem) throw new EnvelopeRejectedError('malformed', problem);
  return envelope as TaskEnvelope;
}

/**
 * Check an opened envelope against its job: its task is the job's name and it was sealed for the job's id.
 * @throws EnvelopeRejectedError `task-mismatch` or `job-mismatch`.
 */
export function checkBinding(envelope: TaskEnvelope, options: OpenOptions): void {
  if (options.jobName !== undefined && options.jobName !== envelope.task) {
    throw new EnvelopeRejectedError(
      'task-mismatch',
      `the envelope is for task "${envelope.task}" but the job is named "${options.jobName}"`,
    );
  }
  if (options.jobId !== undefined && !isSealedFor(envelope.job, options.jobId)) {
    throw new EnvelopeRejectedError('job-mismatch', `the envelope was sealed for ${describeJob(envelope.job)}, not for job ${options.jobId}`);
  }
}

function isSealedFor(job: TaskEnvelope['job'], jobId: string): boolean {
  if ('id' in job) return job.id === jobId;
  const prefix = `repeat:${job.scheduler}:`;
  return jobId.startsWith(prefix) && /^\d+$/.test(jobId.slice(prefix.length));
}

function describeJob(job: TaskEnvelope['job']): string {
  return 'id' in job ? `job ${job.id}` : `the runs of job scheduler ${job.scheduler}`;
}

function isJobBinding(job: unknown): job is TaskEnvelope['job'] {
  if (!isRecord(job)) return false;
  const keys = Object.keys(job);
  const value = job[keys[0] ?? ''];
  return keys.length === 1 && (keys[0] === 'id' || keys[0] === 'scheduler') && typeof value === 'string' && value !== '';
}

/** A non-null, non-array object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Constant-time comparison of seal strings (strings, not decoded bytes: no base64 malleability). */
export function sameString(expected: string, actual: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(actual, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
