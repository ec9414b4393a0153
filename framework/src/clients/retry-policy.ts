// Which failed attempts of a client call are retried, and how long to wait before the next one.

/** How an attempt ended, as far as retrying is concerned. */
export type AttemptOutcome =
  /** No connection was made (refused, unknown host, connect timeout): nothing reached the callee. */
  | { kind: 'not-connected' }
  /** The connection failed after the request may have been sent (reset, closed), or the attempt timed out. */
  | { kind: 'failed' }
  /** The callee answered this status. */
  | { kind: 'reply'; status: number; retryAfterMs?: number };

/** The retry settings of a call. */
export interface RetrySettings {
  attempts: number;
  minDelayMs: number;
  maxDelayMs: number;
}

/** Methods whose repetition has the effect of one call (RFC 9110 §9.2.2), plus POST with an `Idempotency-Key`. */
export function isIdempotent(method: string, hasIdempotencyKey: boolean): boolean {
  const upper = method.toUpperCase();
  return ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS'].includes(upper) || (upper === 'POST' && hasIdempotencyKey);
}

/**
 * Whether an attempt that ended with `outcome` may be tried again: any method when nothing reached the callee;
 * idempotent ones after a failed connection or a timeout, on 502, 503 and 504, and on 429 when the callee said when
 * to come back (`Retry-After`). Never on another status.
 */
export function isRetryable(outcome: AttemptOutcome, idempotent: boolean): boolean {
  switch (outcome.kind) {
    case 'not-connected':
      return true;
    case 'failed':
      return idempotent;
    case 'reply':
      if (outcome.status === 429) return idempotent && outcome.retryAfterMs !== undefined;
      return idempotent && [502, 503, 504].includes(outcome.status);
  }
}

/**
 * The wait before attempt `attempt + 1`: the callee's `Retry-After` when it gave one, else exponential backoff with
 * full jitter (a random wait below `minDelayMs × 2^(attempt-1)`, capped at `maxDelayMs`), so that callers
 * retrying at once do not all come back together. Undefined when a `Retry-After` asks for more than `maxDelayMs`.
 */
export function retryDelay(attempt: number, settings: RetrySettings, retryAfterMs?: number, random = Math.random): number | undefined {
  if (retryAfterMs !== undefined) return retryAfterMs <= settings.maxDelayMs ? retryAfterMs : undefined;
  const ceiling = Math.min(settings.maxDelayMs, settings.minDelayMs * 2 ** (attempt - 1));
  return Math.floor(random() * ceiling);
}

/** A `Retry-After` header in ms: delay-seconds or an HTTP date (past dates: 0). Undefined when absent or malformed. */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = /^[A-Za-z]{3},/.test(text) ? Date.parse(text) : Number.NaN; // an HTTP date: `Sun, 06 Nov 1994 08:49:37 GMT`
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
