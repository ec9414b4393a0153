// RemoteError: a failed call to another service, thrown by generated clients, with what the callee answered.
import { registerErrorCode } from '../errors/error-registry';
import { PymError, type PymErrorOptions } from '../errors/pym-error';

/** What the callee answered, when it answered. */
export interface RemoteReply {
  /** The HTTP status of its reply. */
  status: number;
  /** Its error code, when the body is pym's error shape. */
  error?: string;
  error_description?: string;
  /** The callee's `error_id` (every 5xx of a pym service has one): look it up in the callee's logs. */
  error_id?: string;
  user_message?: string;
  /** The body when it is not pym's error shape: parsed JSON, or the start of the text. */
  body?: unknown;
}

/** Where a RemoteError comes from. */
export interface RemoteErrorOptions extends PymErrorOptions {
  /** The client's name (its key under `clients`). */
  service: string;
  /** The operationId called. */
  operation: string;
  /** Attempts made (retries included). */
  attempts: number;
  remote?: RemoteReply;
}

/**
 * A failed call through a generated client. A handler can let it propagate: an error the callee answered in pym's
 * error shape with a 4xx reaches the caller with the same status, code and description; any other failure
 * becomes one of the `UPSTREAM_*` codes (5xx, generic description, logged with the callee's `error_id`). Or
 * catch it: `code` is what the caller would get, `remote` what the callee said.
 *
 * @example
 * try {
 *   return await audit.getEvent({ params: { eventId } });
 * } catch (error) {
 *   if (error instanceof RemoteError && error.code === 'EVENT_NOT_FOUND') return undefined;
 *   throw error;
 * }
 */
export class RemoteError extends PymError {
  /** The client's name. */
  readonly service: string;
  /** The operationId called. */
  readonly operation: string;
  readonly attempts: number;
  /** What the callee answered; absent when no reply came (connection failed, timed out). */
  readonly remote?: RemoteReply;

  constructor(code: string, status: number, message: string, options: RemoteErrorOptions) {
    super(code, status, message, options);
    this.name = 'RemoteError';
    this.service = options.service;
    this.operation = options.operation;
    this.attempts = options.attempts;
    this.remote = options.remote;
  }
}

/** A RemoteError class of one pym code (registered, with the generic description a 5xx shows). */
function upstreamError(name: string, code: string, status: number, description: string) {
  registerErrorCode({ code, status, name, description });
  const defined = class extends RemoteError {
    static readonly code = code;
    static readonly status = status;
    static readonly description = description;
    constructor(message: string, options: RemoteErrorOptions) {
      super(code, status, message, options);
      this.name = name;
    }
  };
  Object.defineProperty(defined, 'name', { value: name });
  return defined;
}

/** The callee answered a 5xx (other than 503), or a 4xx that is not pym's error shape. */
export const UpstreamError = upstreamError('UpstreamError', 'UPSTREAM_ERROR', 502, 'A service this one depends on failed');
/** The callee's reply is not what its spec declares: an undeclared status, a body that is not the declared JSON. */
export const UpstreamBadResponse = upstreamError(
  'UpstreamBadResponse',
  'UPSTREAM_BAD_RESPONSE',
  502,
  'A service this one depends on sent a reply its API does not declare',
);
/** The callee could not be reached (connection refused or reset, unknown host), or answered 503. */
export const UpstreamUnavailable = upstreamError('UpstreamUnavailable', 'UPSTREAM_UNAVAILABLE', 503, 'A service this one depends on is unavailable');
/** No reply within the client's `timeout` (per attempt) or `deadline` (the whole call). */
export const UpstreamTimeout = upstreamError('UpstreamTimeout', 'UPSTREAM_TIMEOUT', 504, 'A service this one depends on did not answer in time');
