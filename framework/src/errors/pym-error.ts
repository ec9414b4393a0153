// PymError: the one error class every pym error code is an instance of.

/** One problem found in the input, as listed in an error body's `errors[]`. */
export interface ErrorDetail {
  /** Where the problem is, e.g. `/body/email` or `/query/limit`. */
  path: string;
  message: string;
}

/**
 * The most `errors[]` entries an error keeps: one request must not cost its reply (and the server) in proportion to
 * how many places it breaks. `errorsCount` keeps how many problems there were.
 */
export const MAX_ERROR_DETAILS = 20;

/** Options accepted by every PymError constructor. */
export interface PymErrorOptions {
  /** The error this one wraps; logged, never sent to the client. */
  cause?: unknown;
  /** A message meant for the end user, returned as `user_message`. */
  userMessage?: string;
  /** Per-field problems, returned as `errors[]` (the first {@link MAX_ERROR_DETAILS}). */
  errors?: ErrorDetail[];
  /** Extra response headers, e.g. `Allow` or `WWW-Authenticate`. */
  headers?: Record<string, string>;
}

/**
 * The base class of every error that carries a stable code and an HTTP status.
 * Subclass it, or use `defineError`, to add codes of your own.
 *
 * @example
 * throw new PymError('BOOK_NOT_FOUND', 404, 'No book with id 42');
 */
export class PymError extends Error {
  readonly code: string;
  readonly status: number;
  readonly userMessage?: string;
  /** The first {@link MAX_ERROR_DETAILS} problems given. */
  readonly errors?: ErrorDetail[];
  /** How many problems were given (more than `errors.length` when the list was cut). */
  readonly errorsCount?: number;
  readonly headers?: Record<string, string>;

  constructor(code: string, status: number, message: string, options: PymErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PymError';
    this.code = code;
    this.status = status;
    this.userMessage = options.userMessage;
    if (options.errors) {
      this.errors = options.errors.length > MAX_ERROR_DETAILS ? options.errors.slice(0, MAX_ERROR_DETAILS) : options.errors;
      this.errorsCount = options.errors.length;
    }
    this.headers = options.headers;
  }

  /** Whether the message may be shown to the client (4xx errors only). */
  get expose(): boolean {
    return this.status < 500;
  }
}

/** True for PymError instances, including those of another copy of the framework. */
export function isPymError(value: unknown): value is PymError {
  return (
    value instanceof PymError ||
    (value instanceof Error &&
      typeof (value as PymError).code === 'string' &&
      typeof (value as PymError).status === 'number' &&
      (value as { __pym?: boolean }).__pym === true)
  );
}
Object.defineProperty(PymError.prototype, '__pym', { value: true });
