// The one JSON error shape of pym (pymacaron's): status, error, error_description, error_id, user_message, errors.
import { scrubJwts } from '../logging/redact';
import type { ErrorDetail, PymError } from './pym-error';

/** The JSON body of every error response. */
export interface ErrorBody {
  status: number;
  error: string;
  error_description: string;
  error_id?: string;
  user_message?: string;
  /** Per-field problems: the first 20 at most. */
  errors?: ErrorDetail[];
  /** How many problems were found, when `errors` holds only the first 20 of them. */
  errors_count?: number;
  /** Debug mode only: the internal message and stack of the cause. */
  debug?: { message: string; stack?: string };
}

/** What a formatter gets besides the error. */
export interface FormatErrorContext {
  /** Set for every 5xx and every reported error. */
  errorId?: string;
  /** Debug mode: internal details may be shown. */
  debug: boolean;
}

/** A function turning an error into the JSON body sent to the client. */
export type ErrorFormatter = (err: PymError, context: FormatErrorContext) => unknown;

function rootCause(err: Error): Error {
  let current: unknown = err;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current as Error;
}

/**
 * The default formatter: a 4xx shows its message; a 5xx shows its generic description only, unless debug is on.
 * What a message or a problem echoes of the request (a path, a key, a parameter name) is shown without the JWTs it
 * may hold, as in the logs. (Not the logs' bearer pattern: it would eat pym's own "must use the Bearer scheme".)
 */
export const formatError: ErrorFormatter = (err, { errorId, debug }) => {
  const body: ErrorBody = {
    status: err.status,
    error: err.code,
    error_description: err.expose || debug ? scrubJwts(err.message) : defaultDescription(err),
  };
  if (errorId) body.error_id = errorId;
  if (err.userMessage) body.user_message = err.userMessage;
  // Per-field problems of a 5xx describe the server's internals (a reply, a task argument): debug only.
  if (err.errors && err.errors.length > 0 && (err.expose || debug)) {
    body.errors = err.errors.map(({ path, message }) => ({ path: scrubJwts(path), message: scrubJwts(message) }));
    if (err.errorsCount !== undefined && err.errorsCount > err.errors.length) body.errors_count = err.errorsCount;
  }
  if (debug) {
    const cause = rootCause(err);
    body.debug = { message: cause.message, stack: cause.stack };
  }
  return body;
};

function defaultDescription(err: PymError): string {
  const description = (err.constructor as { description?: string }).description;
  return description ?? 'An unexpected error occurred';
}
